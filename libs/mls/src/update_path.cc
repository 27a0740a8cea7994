// RFC 9420 §7.6 (UpdatePath).
#include "securecomm/mls/update_path.h"

namespace sc::mls {

Status UpdatePathNode::Encode(Writer& w) const {
  if (auto s = w.WriteOpaque(encryption_key.span()); !s) return s;
  return w.WriteVector([&](Writer& v) -> Status {
    for (const HpkeCiphertext& c : encrypted_path_secret) {
      if (auto s = c.Encode(v); !s) return s;
    }
    return OkStatus();
  });
}

Result<UpdatePathNode> UpdatePathNode::Decode(Reader& r) {
  UpdatePathNode n;
  if (auto s = ReadField(r, n.encryption_key.bytes); !s) return Fail(s.error());
  auto body = r.ReadVector();
  if (!body) return Fail(body.error());
  while (!body->empty()) {
    auto c = HpkeCiphertext::Decode(*body);
    if (!c) return Fail(c.error());
    n.encrypted_path_secret.push_back(std::move(*c));
  }
  return n;
}

Status UpdatePath::Encode(Writer& w) const {
  if (auto s = leaf_node.Encode(w); !s) return s;
  return w.WriteVector([&](Writer& v) -> Status {
    for (const UpdatePathNode& n : nodes) {
      if (auto s = n.Encode(v); !s) return s;
    }
    return OkStatus();
  });
}

Result<UpdatePath> UpdatePath::Decode(Reader& r) {
  UpdatePath p;
  auto leaf = LeafNode::Decode(r);
  if (!leaf) return Fail(leaf.error());
  p.leaf_node = std::move(*leaf);
  auto body = r.ReadVector();
  if (!body) return Fail(body.error());
  while (!body->empty()) {
    auto n = UpdatePathNode::Decode(*body);
    if (!n) return Fail(n.error());
    p.nodes.push_back(std::move(*n));
  }
  return p;
}

}  // namespace sc::mls
