// aws/xml_extract.hpp — a small, strict XML reader for the AWS Query protocol's answers (STS):
// checks that a document is well formed and extracts the text of an element by path.
// Pure; thread-safe. Cost: one pass over the document, one node per element (depth <= 64).
//
// Supported: the XML declaration, comments, processing instructions, CDATA, attributes (read
// and ignored), the five predefined entities and numeric character references. Refused: a
// DOCTYPE (no entity definitions, so no entity expansion attacks), undefined entities,
// mismatched or unclosed tags, text outside the root element.
#pragma once

#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ssm_cache::aws {

/// A document that is not well-formed XML. The message says where (byte offset) and what was
/// expected, never quotes the document (it may hold credentials).
class XmlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct XmlElement {
  std::string name;  ///< local name: any "prefix:" is dropped
  std::string text;  ///< the element's own character data (entities decoded), children excluded
  std::vector<XmlElement> children;
};

/// Parses a whole document; throws XmlError.
XmlElement parse_xml(std::string_view document);

/// The first element along `path`, which starts with the root element's name
/// ({"ErrorResponse", "Error", "Code"}); null when absent.
const XmlElement* find_element(const XmlElement& root,
                               std::initializer_list<std::string_view> path);

/// Text of the element at `path`, or nullopt when the document has none there. Throws XmlError
/// for a malformed document.
std::optional<std::string> xml_text(std::string_view document,
                                    std::initializer_list<std::string_view> path);

/// Decodes &amp; &lt; &gt; &quot; &apos; &#N; &#xH; in character data; throws XmlError for
/// anything else after '&' or a reference to a character XML does not allow.
std::string decode_xml_entities(std::string_view text);

}  // namespace ssm_cache::aws
