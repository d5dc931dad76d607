#include "identity/word_list.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace mamori::identity {
namespace internal {
// Defined in the file CMake generates from data/common-words.txt.
extern const char kEmbeddedCommonWords[];
extern const std::size_t kEmbeddedCommonWordsSize;
}  // namespace internal

WordList WordList::FromText(std::string_view text) {
  WordList list;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.remove_suffix(1);
    }
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() == '#' || line.size() < kMinWordLength) continue;
    std::string word(line);
    for (char& c : word) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    list.words_.insert(std::move(word));
  }
  return list;
}

const WordList& WordList::Embedded() {
  static const WordList* const kList = new WordList(FromText(
      std::string_view(internal::kEmbeddedCommonWords, internal::kEmbeddedCommonWordsSize)));
  return *kList;
}

Result<WordList> WordList::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    const std::string why = std::strerror(err);
    if (err == ENOENT) {
      return Fail(Status::NotFound("word list " + path + " does not exist",
                                   "単語リストがありません: " + path, "word_list_path"));
    }
    return Fail(Status::IoError("cannot read word list " + path + ": " + why,
                                "単語リストを読めません: " + path, "word_list_path"));
  }
  std::stringstream text;
  text << in.rdbuf();
  WordList list = FromText(text.str());
  if (list.size() == 0) {
    return Fail(Status::InvalidArgument("word list " + path + " holds no word",
                                        "単語リストに単語がありません: " + path, "word_list_path"));
  }
  return list;
}

}  // namespace mamori::identity
