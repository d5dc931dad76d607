// Internal to approval: where inquiries and branch requests live in the
// data store, beside the approval engine's "apv/":
//   inq/seq, inq/bseq   decimal id counters
//   inq/q/<id>          Inquiry JSON (inquiry.h)
//   inq/b/<id>          BranchRequest JSON (inquiries.h)
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "approval/inquiries.h"
#include "core/status.h"
#include "store/storage.h"

namespace mamori::approval::inquiry_store {

inline constexpr std::string_view kInquirySeq = "inq/seq";
inline constexpr std::string_view kRequestSeq = "inq/bseq";
inline constexpr std::string_view kInquiries = "inq/q/";
inline constexpr std::string_view kRequests = "inq/b/";

// The next id of a counter: `letter` and eight digits ("Q00000001").
Result<std::string> NextId(store::WriteTxn& txn, std::string_view counter, char letter);

Result<std::optional<Inquiry>> ReadInquiry(store::ReadTxn& txn, std::string_view id);
Status WriteInquiry(store::WriteTxn& txn, const Inquiry& q);
Status NoSuchInquiry(std::string_view id);

Result<std::optional<BranchRequest>> ReadRequest(store::ReadTxn& txn, std::string_view id);
Status WriteRequest(store::WriteTxn& txn, const BranchRequest& r);
Status NoSuchRequest(std::string_view id);

}  // namespace mamori::approval::inquiry_store
