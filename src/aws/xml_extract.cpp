// aws/xml_extract.cpp — the strict XML reader of the Query protocol answers. Pure; thread-safe.
#include "aws/xml_extract.hpp"

#include <cstdint>

namespace ssm_cache::aws {
namespace {

constexpr int kMaxDepth = 64;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_name_start(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || u >= 0x80;
}

bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/// The characters XML 1.0 allows (production [2] Char).
bool is_xml_char(std::uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

[[noreturn]] void fail(std::size_t offset, const std::string& what) {
  throw XmlError("malformed XML at byte " + std::to_string(offset) + ": " + what);
}

/// Decodes one reference starting at text[pos] == '&'; returns the offset after its ';'.
std::size_t decode_reference(std::string_view text, std::size_t pos, std::size_t base,
                             std::string& out) {
  const std::size_t semi = text.find(';', pos + 1);
  if (semi == std::string_view::npos || semi - pos > 12)
    fail(base + pos, "'&' does not start a reference");
  const std::string_view name = text.substr(pos + 1, semi - pos - 1);
  if (name == "amp") {
    out.push_back('&');
  } else if (name == "lt") {
    out.push_back('<');
  } else if (name == "gt") {
    out.push_back('>');
  } else if (name == "quot") {
    out.push_back('"');
  } else if (name == "apos") {
    out.push_back('\'');
  } else if (name.size() >= 2 && name[0] == '#') {
    const bool hex = name[1] == 'x';
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) fail(base + pos, "an empty character reference");
    std::uint32_t cp = 0;
    for (char c : digits) {
      std::uint32_t d = 0;
      if (c >= '0' && c <= '9') {
        d = static_cast<std::uint32_t>(c - '0');
      } else if (hex && c >= 'a' && c <= 'f') {
        d = static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (hex && c >= 'A' && c <= 'F') {
        d = static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        fail(base + pos, "a character reference with a bad digit");
      }
      cp = cp * (hex ? 16 : 10) + d;
      if (cp > 0x10FFFF) fail(base + pos, "a character reference beyond U+10FFFF");
    }
    if (!is_xml_char(cp))
      fail(base + pos, "a character reference to a character XML does not allow");
    append_utf8(out, cp);
  } else {
    fail(base + pos,
         "an undefined entity (only &amp; &lt; &gt; &quot; &apos; and &#...; are known)");
  }
  return semi + 1;
}

/// Decodes character data, checking for raw characters XML forbids.
void decode_into(std::string_view text, std::size_t base, std::string& out) {
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '&') {
      i = decode_reference(text, i, base, out);
      continue;
    }
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') fail(base + i, "a control character");
    if (c == '<') fail(base + i, "a '<' in character data");
    out.push_back(c);
    ++i;
  }
}

class Parser {
 public:
  explicit Parser(std::string_view doc) : doc_(doc) {}

  XmlElement document() {
    if (doc_.starts_with("\xEF\xBB\xBF")) pos_ = 3;  // UTF-8 byte order mark
    if (doc_.substr(pos_).starts_with("<?xml") && pos_ + 5 < doc_.size() &&
        is_space(doc_[pos_ + 5])) {
      skip_past("?>", "an unterminated XML declaration");
    }
    misc();
    if (pos_ >= doc_.size() || doc_[pos_] != '<') fail(pos_, "expected the root element");
    XmlElement root = element(1);
    misc();
    if (pos_ != doc_.size()) fail(pos_, "content after the root element");
    return root;
  }

 private:
  void skip_spaces() {
    while (pos_ < doc_.size() && is_space(doc_[pos_])) ++pos_;
  }

  void skip_past(std::string_view end, const char* what) {
    const std::size_t at = doc_.find(end, pos_);
    if (at == std::string_view::npos) fail(pos_, what);
    pos_ = at + end.size();
  }

  bool at(std::string_view s) const { return doc_.substr(pos_).starts_with(s); }

  /// Comments, processing instructions and white space between top-level items.
  void misc() {
    while (true) {
      skip_spaces();
      if (at("<!--")) {
        skip_past("-->", "an unterminated comment");
      } else if (at("<?")) {
        skip_past("?>", "an unterminated processing instruction");
      } else if (at("<!")) {
        fail(pos_, "a DOCTYPE or other declaration (not accepted)");
      } else {
        return;
      }
    }
  }

  std::string_view name() {
    const std::size_t start = pos_;
    if (pos_ >= doc_.size() || !is_name_start(doc_[pos_])) fail(pos_, "expected a name");
    while (pos_ < doc_.size() && is_name_char(doc_[pos_])) ++pos_;
    return doc_.substr(start, pos_ - start);
  }

  static std::string local_name(std::string_view qualified) {
    const std::size_t colon = qualified.rfind(':');
    return std::string(colon == std::string_view::npos ? qualified : qualified.substr(colon + 1));
  }

  void attributes() {
    while (true) {
      const std::size_t before = pos_;
      skip_spaces();
      if (pos_ >= doc_.size()) fail(pos_, "an unterminated start tag");
      if (doc_[pos_] == '>' || doc_[pos_] == '/') return;
      if (pos_ == before) fail(pos_, "expected white space before an attribute");
      name();
      skip_spaces();
      if (pos_ >= doc_.size() || doc_[pos_] != '=')
        fail(pos_, "expected '=' after an attribute name");
      ++pos_;
      skip_spaces();
      if (pos_ >= doc_.size() || (doc_[pos_] != '"' && doc_[pos_] != '\'')) {
        fail(pos_, "expected a quoted attribute value");
      }
      const char quote = doc_[pos_++];
      const std::size_t end = doc_.find(quote, pos_);
      if (end == std::string_view::npos) fail(pos_, "an unterminated attribute value");
      std::string ignored;
      decode_into(doc_.substr(pos_, end - pos_), pos_, ignored);  // validates references
      pos_ = end + 1;
    }
  }

  XmlElement element(int depth) {
    if (depth > kMaxDepth) fail(pos_, "elements nested deeper than " + std::to_string(kMaxDepth));
    ++pos_;  // '<'
    const std::string_view qname = name();
    XmlElement e;
    e.name = local_name(qname);
    attributes();
    if (doc_[pos_] == '/') {
      if (pos_ + 1 >= doc_.size() || doc_[pos_ + 1] != '>') fail(pos_, "expected '/>'");
      pos_ += 2;
      return e;
    }
    ++pos_;  // '>'
    while (true) {
      if (pos_ >= doc_.size()) fail(pos_, "element '" + e.name + "' is not closed");
      if (at("</")) {
        pos_ += 2;
        const std::size_t name_at = pos_;
        if (name() != qname) fail(name_at, "the end tag does not match element '" + e.name + "'");
        skip_spaces();
        if (pos_ >= doc_.size() || doc_[pos_] != '>') fail(pos_, "expected '>' to end an end tag");
        ++pos_;
        return e;
      }
      if (at("<!--")) {
        skip_past("-->", "an unterminated comment");
      } else if (at("<![CDATA[")) {
        pos_ += 9;
        const std::size_t end = doc_.find("]]>", pos_);
        if (end == std::string_view::npos) fail(pos_, "an unterminated CDATA section");
        e.text.append(doc_.substr(pos_, end - pos_));
        pos_ = end + 3;
      } else if (at("<?")) {
        skip_past("?>", "an unterminated processing instruction");
      } else if (at("<!")) {
        fail(pos_, "a declaration inside an element");
      } else if (doc_[pos_] == '<') {
        e.children.push_back(element(depth + 1));
      } else {
        const std::size_t end = std::min(doc_.find('<', pos_), doc_.size());
        decode_into(doc_.substr(pos_, end - pos_), pos_, e.text);
        pos_ = end;
      }
    }
  }

  std::string_view doc_;
  std::size_t pos_ = 0;
};

}  // namespace

XmlElement parse_xml(std::string_view document) { return Parser(document).document(); }

const XmlElement* find_element(const XmlElement& root,
                               std::initializer_list<std::string_view> path) {
  auto it = path.begin();
  if (it == path.end() || root.name != *it) return nullptr;
  const XmlElement* current = &root;
  for (++it; it != path.end(); ++it) {
    const XmlElement* next = nullptr;
    for (const auto& child : current->children) {
      if (child.name == *it) {
        next = &child;
        break;
      }
    }
    if (next == nullptr) return nullptr;
    current = next;
  }
  return current;
}

std::optional<std::string> xml_text(std::string_view document,
                                    std::initializer_list<std::string_view> path) {
  const XmlElement root = parse_xml(document);
  const XmlElement* e = find_element(root, path);
  if (e == nullptr) return std::nullopt;
  return e->text;
}

std::string decode_xml_entities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  decode_into(text, 0, out);
  return out;
}

}  // namespace ssm_cache::aws
