#include "policy/decision.h"

namespace mamori::policy {
namespace {

std::string Quoted(const std::string& s) { return s.empty() ? std::string() : " '" + s + "'"; }
std::string Kakko(const std::string& s) { return s.empty() ? std::string() : "「" + s + "」"; }

}  // namespace

std::string Decision::Message() const {
  if (code == kAllowed) return "allowed by grant " + grant;
  if (code == kUnidentified) return "the caller is not identified";
  if (code == kDisabled) return "your access is suspended while your rights are reviewed";
  if (code == kTrainingLapsed) {
    return "your information-security training is not current: data roles need current "
           "training (attend the course, then try again)";
  }
  if (code == kPurposeRequired) return "a purpose (利用目的) is required for this operation";
  if (code == kPurposeNotRegistered) {
    return "the purpose given is not registered for this dataset (its purposes are in the "
           "dataset's definition)";
  }
  if (code == kHandlingNoCopy) return "the dataset is marked no_copy: bulk export is refused";
  if (code == kHandlingNoTakeout) {
    return "the dataset's handling restriction" + Quoted(subject) +
           " forbids taking it out: export is refused";
  }
  if (code == kGrantExpired) return "your grant for this operation and purpose has expired";
  if (code == kC3Terminal) {
    return "confidentiality-3 data is available only from a designated terminal; terminal" +
           Quoted(subject) + " is not one";
  }
  if (code == kTerminalNotDesignated) {
    return "this dataset is available only from its designated terminals; terminal" +
           Quoted(subject) + " is not one";
  }
  if (code == kUnavailable) return "the access rules could not be read; try again";
  return "no grant allows this operation on this dataset for this purpose";
}

std::string Decision::MessageJa() const {
  if (code == kAllowed) return "権限 " + grant + " により許可";
  if (code == kUnidentified) return "利用者が識別されていません";
  if (code == kDisabled) return "権限の見直し中のため利用が停止されています";
  if (code == kTrainingLapsed) {
    return "情報セキュリティ研修の受講が有効期限内でないため、個人情報を取り扱う権限を"
           "利用できません (研修を受講してから再度お試しください)";
  }
  if (code == kPurposeRequired) return "この操作には利用目的の指定が必要です";
  if (code == kPurposeNotRegistered) {
    return "指定された利用目的はこのデータセットに登録されていません "
           "(登録済みの利用目的は台帳定義を参照)";
  }
  if (code == kHandlingNoCopy) return "複製禁止のデータセットのため一括出力はできません";
  if (code == kHandlingNoTakeout) {
    return "データセットの取扱制限" + Kakko(subject) + "により持ち出し (出力) はできません";
  }
  if (code == kGrantExpired) return "この操作・利用目的の権限は有効期限が切れています";
  if (code == kC3Terminal) {
    return "機密性3の情報は指定された端末からのみ利用できます (端末" + Kakko(subject) + ")";
  }
  if (code == kTerminalNotDesignated) {
    return "このデータセットは指定された端末からのみ利用できます (端末" + Kakko(subject) + ")";
  }
  if (code == kUnavailable) return "アクセス規則を読み込めませんでした。再度お試しください";
  return "この操作・データセット・利用目的を許可する権限がありません";
}

Status Decision::ToStatus() const {
  if (allowed) return Status::Ok();
  return Status(code == kUnavailable ? Code::kUnavailable : Code::kPermissionDenied, Message(),
                MessageJa(), std::string(code));
}

}  // namespace mamori::policy
