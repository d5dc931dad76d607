#include "audit/verify_hashing.h"

#include <system_error>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace mamori::audit::internal {

void HexInto(const crypto::Digest& d, char out[64]) {
#if defined(__SSE2__)
  const __m128i low4 = _mm_set1_epi8(0x0F);
  const __m128i nine = _mm_set1_epi8(9);
  const __m128i digit0 = _mm_set1_epi8('0');
  const __m128i letter_gap = _mm_set1_epi8('a' - '0' - 10);
  const auto ascii = [&](__m128i nibbles) {
    const __m128i letters = _mm_and_si128(_mm_cmpgt_epi8(nibbles, nine), letter_gap);
    return _mm_add_epi8(_mm_add_epi8(nibbles, digit0), letters);
  };
  for (size_t half = 0; half < 2; ++half) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d.data() + 16 * half));
    const __m128i hi = _mm_and_si128(_mm_srli_epi16(v, 4), low4);
    const __m128i lo = _mm_and_si128(v, low4);
    char* at = out + 32 * half;
    _mm_storeu_si128(reinterpret_cast<__m128i*>(at), ascii(_mm_unpacklo_epi8(hi, lo)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(at + 16), ascii(_mm_unpackhi_epi8(hi, lo)));
  }
#else
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < d.size(); ++i) {
    out[2 * i] = kHex[d[i] >> 4];
    out[2 * i + 1] = kHex[d[i] & 0xF];
  }
#endif
}

HashWorker::~HashWorker() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool HashWorker::Start() {
  try {
    thread_ = std::thread([this] { Loop(); });
    return true;
  } catch (const std::system_error&) {
    return false;
  }
}

void HashWorker::Submit(EventBatch* b) {
  {
    std::lock_guard lock(mu_);
    pending_ = b;
    done_ = nullptr;
  }
  cv_.notify_all();
}

void HashWorker::Wait(EventBatch* b) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return done_ == b; });
}

void HashWorker::Loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || pending_ != nullptr; });
    if (stop_) return;
    EventBatch* b = std::exchange(pending_, nullptr);
    lock.unlock();
    Hash(*b);
    lock.lock();
    done_ = b;
    cv_.notify_all();
  }
}

void HashWorker::Hash(EventBatch& b) {
  b.scanned.resize(b.items.size());
  b.nodes.clear();
  for (size_t i = 0; i < b.items.size(); ++i) {
    HashedEvent& out = b.scanned[i];
    out.leaf = hasher_.Leaf(b.Value(i));
    HexInto(out.leaf, out.hex);
    out.parsed = ScanEventFields(b.Value(i), &out.fields);
    out.nodes_at = static_cast<uint32_t>(b.nodes.size());
    frontier_.Push(out.leaf, hasher_,
                   [&](unsigned, uint64_t, const crypto::Digest& h) { b.nodes.push_back(h); });
    out.nodes = static_cast<uint8_t>(b.nodes.size() - out.nodes_at);
  }
}

}  // namespace mamori::audit::internal
