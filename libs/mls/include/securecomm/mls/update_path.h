// update_path.h: UpdatePath (RFC 9420 §7.6), what a Commit carries to refresh its sender's
// direct path: the sender's new LeafNode and, for each node of its filtered direct path, the
// node's new public key and its path secret encrypted to each node of the copath resolution.
//
//   struct { opaque kem_output<V>; opaque ciphertext<V>; } HPKECiphertext;
//   struct { HPKEPublicKey encryption_key; HPKECiphertext encrypted_path_secret<V>; } UpdatePathNode;
//   struct { LeafNode leaf_node; UpdatePathNode nodes<V>; } UpdatePath;
//
//   Result<UpdatePath> p = UpdatePath::Decode(reader);     // form only; treekem.h checks the rest
//
// Value types, strict codecs (codec.h).
#pragma once

#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/mls/codec.h"
#include "securecomm/mls/encrypt_with_label.h"
#include "securecomm/mls/leaf_node.h"

namespace sc::mls {

struct UpdatePathNode {
  HpkePublicKey encryption_key;
  std::vector<HpkeCiphertext> encrypted_path_secret;

  [[nodiscard]] Status Encode(Writer& w) const;
  [[nodiscard]] static Result<UpdatePathNode> Decode(Reader& r);
  friend bool operator==(const UpdatePathNode&, const UpdatePathNode&) = default;
};

struct UpdatePath {
  LeafNode leaf_node;
  std::vector<UpdatePathNode> nodes;

  [[nodiscard]] Status Encode(Writer& w) const;
  [[nodiscard]] static Result<UpdatePath> Decode(Reader& r);
  friend bool operator==(const UpdatePath&, const UpdatePath&) = default;
};

}  // namespace sc::mls
