// governance/register_kinds: the registers (台帳) the rules require, each a
// kind with a declared schema — which fields an entry has, which are
// required, the codes a field allows — who keeps it, and how often each
// entry is checked. The schema is data read by the one register mechanism
// (registers.h); what a kind adds beyond its schema (a sub-contractor needs
// its prior approval, a cloud service its approval before use) is in
// register_rules.h.
//
//   contractor          委託先 [002 第55-61条; 003 IV; 004 §6(8)]
//   cloud_service       クラウドサービス [002 第62-73条, 第147条8]
//   social_media        ソーシャルメディアアカウント [002 第155条; 004 §6(8)]
//   information_system  情報システム台帳 [002 第20条, 第69条, 第82条]
//   software            利用を認めるソフトウェア [002 第91条2, 第92条, 第100-101条]
//   device              利用・接続を認める機器 [002 第91条3; 003 V(1)④]
//   media               記録媒体 (管理簿による定期的な棚卸し) [003 V(2)③]
//   maintenance         保守作業の記録 [002 第84条; 001 第4 7(2)]
//   network_change      通信回線装置の設定変更の記録 [002 第114条]
//
// Keepers are system operations of the policy ("register.<kind>.keep",
// policy/system_rights.cc), so that who keeps which register is decided by
// the same table as every other system right.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mamori::governance {

enum class FieldType {
  kText,             // 1-200 characters of text, no control characters
  kCode,             // one of `codes`
  kCodes,            // a non-empty list of distinct `codes`
  kBool,             // true or false
  kDate,             // YYYY-MM-DD
  kIdentifier,       // 1-128 characters [A-Za-z0-9._/-] (a host, a serial, a number)
  kUser,             // the id of an active user of the directory
  kCountry,          // ISO 3166-1 alpha-2, upper case ("JP")
  kCorporateNumber,  // 法人番号: 13 digits with a valid check digit
  kEntry,            // the id of an entry of register `target`, not retired
};

struct FieldSpec {
  std::string_view name;
  FieldType type;
  bool required = false;
  std::vector<std::string_view> codes = {};  // kCode, kCodes
  std::string_view target = {};              // kEntry: the kind referred to
};

struct RegisterKind {
  std::string_view name;       // "contractor"
  std::string_view title_ja;   // "委託先台帳"
  std::string_view title_en;   // "contractor register"
  std::string_view id_prefix;  // "CT": entry ids CT00001, …
  std::vector<FieldSpec> fields;
  // Days from the registration or the last check to the next periodic
  // check; 0: a record of work done, not checked periodically.
  int check_days = 0;
  // The results a check of this kind records.
  std::vector<std::string_view> check_results;
  // The system operation that keeps it (register.<kind>.keep) and, for a
  // kind whose entries are approved before use, the one that approves.
  std::string_view keep_operation;
  std::string_view approve_operation = {};

  const FieldSpec* Field(std::string_view field) const;
};

// Every kind, in a stable order.
std::span<const RegisterKind> RegisterKinds();
// The kind called `name`, or null.
const RegisterKind* FindRegisterKind(std::string_view name);

// Codes of what data an entry handles (contractor, cloud_service, media,
// information_system "handles"). My Numbers and credit information are
// kept in Japan only.
inline constexpr std::string_view kHandlesMyNumber = "my_number";
inline constexpr std::string_view kHandlesCredit = "credit";

}  // namespace mamori::governance
