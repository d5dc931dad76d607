#include "identity/hash_budget.h"

#include <algorithm>
#include <utility>

namespace mamori::identity {

Status HashBudgetBusy() {
  return Status::Unavailable(
      "the server is busy checking other passwords; try again shortly",
      "他のパスワードの確認で混み合っています。しばらくしてから再度お試しください", "login.busy");
}

HashBudget::Lease::Lease(Lease&& other) noexcept
    : budget_(std::exchange(other.budget_, nullptr)), kib_(std::exchange(other.kib_, 0)) {}

HashBudget::Lease& HashBudget::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Release();
    budget_ = std::exchange(other.budget_, nullptr);
    kib_ = std::exchange(other.kib_, 0);
  }
  return *this;
}

Status HashBudget::Lease::GrowTo(uint64_t kib) {
  if (budget_ == nullptr) return Status::Internal("growing a lease that holds nothing");
  if (kib <= kib_) return Status::Ok();
  if (!budget_->Take(kib - kib_, kib_)) return HashBudgetBusy();
  kib_ = kib;
  return Status::Ok();
}

void HashBudget::Lease::Release() {
  if (budget_ != nullptr) budget_->Give(kib_);
  budget_ = nullptr;
  kib_ = 0;
}

Result<HashBudget::Lease> HashBudget::Acquire(uint64_t kib) {
  kib = std::max<uint64_t>(kib, 1);
  if (!Take(kib, 0)) return Fail(HashBudgetBusy());
  return Lease(this, kib);
}

bool HashBudget::Fits(const Waiter& w) const {
  // More than the whole budget only when the caller has it to itself.
  return in_use_ + w.kib <= options_.memory_kib || in_use_ == w.held;
}

void HashBudget::Grant(uint64_t kib) {
  in_use_ += kib;
  peak_ = std::max(peak_, in_use_);
  ++granted_;
}

bool HashBudget::Take(uint64_t kib, uint64_t held) {
  std::unique_lock lock(mu_);
  const Waiter me{kib, held};
  if (queue_.empty() && Fits(me)) {
    Grant(kib);
    return true;
  }
  if (queue_.size() >= options_.max_waiting) {
    ++refused_;
    return false;
  }
  const auto place =
      held > 0 ? queue_.insert(queue_.begin(), &me) : queue_.insert(queue_.end(), &me);
  const bool ok =
      cv_.wait_for(lock, options_.max_wait, [&] { return queue_.front() == &me && Fits(me); });
  queue_.erase(place);
  if (ok) {
    Grant(kib);
  } else {
    ++refused_;
  }
  // The first in the queue may have changed (this one left it).
  cv_.notify_all();
  return ok;
}

void HashBudget::Give(uint64_t kib) {
  {
    std::lock_guard lock(mu_);
    in_use_ -= std::min(in_use_, kib);
  }
  cv_.notify_all();
}

HashBudget::Stats HashBudget::stats() const {
  std::lock_guard lock(mu_);
  return Stats{in_use_, peak_, queue_.size(), granted_, refused_};
}

}  // namespace mamori::identity
