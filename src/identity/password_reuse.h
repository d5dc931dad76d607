// No reuse of the last N passwords nor of near-copies of them
// ([003 II.5(2) D]: restrict reuse of the same or similar passwords).
//
// Old passwords are kept only as Argon2id hashes, so "similar" cannot be
// measured against them directly. Two checks together:
//
// 1. Against the hashed history (every entry, up to policy.history): the new
//    password's likely "near-copy" variants are hashed with each entry's own
//    salt and cost and compared — the password itself; without its trailing
//    run of digits and symbols; without its last one and two characters; and
//    with its last run of digits counted one up and one down, same width
//    ("Spring2025!" → "Spring2024!", "Spring2026!", "Spring", "Spring2025", …).
//    This catches the common ways people "change" a password, not every
//    string within edit distance 2; the cost is ReuseCandidates().size()
//    Argon2 verifications per history entry, paid only on a password change.
// 2. Against the current password in plain text, which a self-service change
//    supplies anyway: Levenshtein distance <= 2, or equal after stripping the
//    trailing digits and symbols, or equal ignoring case, is a near-copy.
//
// Errors (kInvalidArgument, subject): "password.reused" when the password
// itself matches, "password.near_copy" for a variant or the plain check.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace mamori::identity {

// The variants of check 1, the password itself first, without duplicates.
std::vector<std::string> ReuseCandidates(std::string_view password);

// Edit distance (insert, delete, substitute one byte each).
size_t Levenshtein(std::string_view a, std::string_view b);

// Check 2.
bool IsNearCopy(std::string_view password, std::string_view previous);

// Whether a password matches a PHC hash: crypto::Argon2idVerifyPassword, or
// the Directory's, which takes the memory from its HashBudget.
using PasswordVerifier =
    std::function<Result<bool>(std::string_view password, std::string_view encoded)>;

// Check 1 against the newest `depth` entries of history (PHC strings, newest
// first). kDataLoss when a stored entry is not a valid Argon2id hash; the
// verifier's kUnavailable (a busy hash budget) as it is.
Status CheckPasswordHistory(std::string_view password, std::span<const std::string> history,
                            size_t depth, const PasswordVerifier& verify = {});

// Both checks: `current_plain` may be empty when the caller does not know it
// (an administrator's reset).
Status CheckPasswordReuse(std::string_view password, std::string_view current_plain,
                          std::span<const std::string> history, size_t depth,
                          const PasswordVerifier& verify = {});

}  // namespace mamori::identity
