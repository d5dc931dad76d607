#include "store/answer_thread.h"

#include <system_error>

namespace mamori::store::internal {

Status AnswerThread::Start() {
  try {
    thread_ = std::thread([this] { Loop(); });
  } catch (const std::system_error&) {
    return Status::Unavailable("cannot start the storage answer thread",
                               "応答用スレッドを起動できません");
  }
  return Status::Ok();
}

void AnswerThread::Post(std::vector<Answer> answers) {
  {
    std::lock_guard lock(mu_);
    for (auto& a : answers) queued_.push_back(std::move(a));
  }
  cv_.notify_one();
}

void AnswerThread::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AnswerThread::Loop() {
  std::vector<Answer> taken;
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || !queued_.empty(); });
    if (queued_.empty()) return;  // stopping, and everything answered
    taken.swap(queued_);
    lock.unlock();
    for (auto& answer : taken) answer();
    taken.clear();
    lock.lock();
  }
}

}  // namespace mamori::store::internal
