#include "engine/witnessing.h"

#include <algorithm>

#include "audit/trusted_head.h"

namespace mamori::engine {
namespace {

constexpr std::chrono::milliseconds kRetry{10'000};

}  // namespace

Status CheckAgainstWitnesses(store::Storage& data, const crypto::EcdsaP256PublicKey& signer,
                             const std::vector<std::unique_ptr<audit::Witness>>& witnesses) {
  for (const auto& w : witnesses) {
    if (!w->CanReadBack()) continue;
    MAMORI_ASSIGN_OR_RETURN(auto latest, w->Latest());
    if (!latest) continue;
    audit::TrustedHeadReport report;
    MAMORI_RETURN_IF_ERROR(data.View([&](store::ReadTxn& txn) -> Status {
      report = audit::CheckAgainstTrustedHead(txn, *latest, &signer);
      return Status::Ok();
    }));
    if (report.ok) continue;
    const std::string problem(audit::ProblemName(report.problem));
    return Status::FailedPrecondition(
        "refusing to start: the store does not extend the last head witnessed at " + w->Describe() +
            " (" + problem + "): " + report.reason +
            ". Find out what happened to the data before anything else; restoring a backup on "
            "purpose means setting that witness file aside first",
        "起動を中止します: ストアが証人 " + w->Describe() +
            " の最後の署名付きツリーヘッドを延長していません (" + problem +
            "): " + report.reason_ja +
            "。まずデータに何が起きたかを確認してください（意図してバックアップから復元した場合"
            "は、先にその証人ファイルを退避してください）",
        "witness");
  }
  return Status::Ok();
}

Witnessing::Witnessing(Engine& engine, std::vector<std::unique_ptr<audit::Witness>> witnesses,
                       WitnessingOptions options)
    : engine_(engine),
      witnesses_(std::move(witnesses)),
      options_(std::move(options)),
      recorded_(witnesses_.size(), 0) {
  state_.witnesses = witnesses_.size();
  for (size_t i = 0; i < witnesses_.size(); ++i) {
    if (!witnesses_[i]->CanReadBack()) continue;
    auto latest = witnesses_[i]->Latest();
    if (latest && *latest) recorded_[i] = (*latest)->size;
  }
}

Witnessing::~Witnessing() { Stop(); }

void Witnessing::Log(bool warn, const std::string& message) const {
  if (options_.log) options_.log(warn, message);
}

Status Witnessing::CheckStore() {
  return CheckAgainstWitnesses(engine_.data_store(), engine_.audit_signer().PublicKey(),
                               witnesses_);
}

void Witnessing::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || witnesses_.empty()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void Witnessing::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Witnessing::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    const auto wait = state_.behind ? std::min(options_.interval, kRetry) : options_.interval;
    if (cv_.wait_for(lock, wait, [this] { return stop_; })) break;
    lock.unlock();
    (void)PublishNow();  // failures are logged and kept in the state
    lock.lock();
  }
}

Status Witnessing::PublishNow() {
  auto head = engine_.SignCurrentHead();
  if (!head) {
    Log(true, "cannot sign the current tree head for the witnesses: " + head.error().ToString());
    std::lock_guard lock(mu_);
    ++state_.failures;
    state_.behind = true;
    state_.last_error = "signing: " + head.error().message();
    return head.error();
  }
  return Publish(*head);
}

Status Witnessing::Publish(const audit::SignedTreeHead& sth) {
  std::lock_guard publishing(publish_mu_);
  Status first = Status::Ok();
  bool all = true;
  for (size_t i = 0; i < witnesses_.size(); ++i) {
    {
      std::lock_guard lock(mu_);
      if (recorded_[i] >= sth.size) continue;
    }
    Status s = witnesses_[i]->Record(sth);
    std::lock_guard lock(mu_);
    if (s.ok()) {
      recorded_[i] = sth.size;
      continue;
    }
    all = false;
    ++state_.failures;
    state_.last_error = s.message();
    if (first.ok()) first = s;
    Log(true, "cannot write the signed head to the witness " + witnesses_[i]->Describe() +
                  " (retried): " + s.ToString());
  }
  std::lock_guard lock(mu_);
  state_.behind = !all;
  if (all) {
    state_.last_success = NowMicros();
    state_.last_error.clear();
  }
  return first;
}

WitnessState Witnessing::State() const {
  std::lock_guard lock(mu_);
  return state_;
}

}  // namespace mamori::engine
