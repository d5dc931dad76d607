// The list of common English words (and common password words) that a
// password must not be built from ([003 II.5(2)]).
//
// The shipped list, data/common-words.txt, is compiled into the library, so
// the check works wherever the binary runs; an operator may point the server
// at another file instead (IdentityOptions::word_list_path). Format: one word
// a line, '#' starts a comment line, words are compared lower-case; words
// shorter than 4 letters are ignored (they would refuse too much).
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>

#include "core/status.h"

namespace mamori::identity {

class WordList {
 public:
  WordList() = default;
  // The embedded data/common-words.txt, parsed once on first use.
  static const WordList& Embedded();
  static WordList FromText(std::string_view text);
  // kNotFound / kIoError naming the path when it cannot be read; kInvalidArgument
  // when it holds no word.
  static Result<WordList> LoadFile(const std::string& path);

  // `word` must already be lower-case.
  bool Contains(std::string_view word) const { return words_.contains(std::string(word)); }
  size_t size() const { return words_.size(); }

  static constexpr size_t kMinWordLength = 4;

 private:
  std::unordered_set<std::string> words_;
};

}  // namespace mamori::identity
