// Text placed in HTML that mamori generates (the compliance report, the
// Commission's report form): every character that could open markup or
// end an attribute is escaped, so stored text never becomes markup.
#pragma once

#include <string>
#include <string_view>

namespace mamori::governance {

// `s` with & < > " ' replaced by their character references.
std::string HtmlEscaped(std::string_view s);

}  // namespace mamori::governance
