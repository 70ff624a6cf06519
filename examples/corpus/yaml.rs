//! An incident as the YAML file a person would write.
//!
//! serde writes every field of the model, absent ones as `null` and empty lists as `[]`.
//! People leave those out, and so do the files written here: they then read like real
//! incident files and weigh what real ones do, which the benchmarks' figures depend on.
//!
//! So the incident is serialised to JSON text, which keeps the fields in the order the
//! model declares them, read back as a [`Node`] tree, which keeps that order too
//! (`serde_json::Value` would sort the keys), pruned of absent fields, and written as YAML
//! by serde-saphyr, which chooses the quoting and the block styles. Every field dropped is
//! one the model reads as absent when it is missing: an `Option` or a defaulted list.

use std::fmt;

use postmortem::model::Incident;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, Serializer};

/// `incident` as the text of an incident file.
pub fn to_yaml(incident: &Incident) -> Result<String, String> {
    let json = serde_json::to_string(incident).map_err(|e| format!("serialising: {e}"))?;
    let tree: Node = serde_json::from_str(&json).map_err(|e| format!("reading back: {e}"))?;
    serde_saphyr::to_string(&tree.pruned()).map_err(|e| format!("writing YAML: {e}"))
}

/// A serialised value whose mappings keep their keys in order.
enum Node {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Text(String),
    List(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    /// The tree without mapping entries that say nothing: `null`, or an empty list.
    /// List items stay, as dropping one would move the others.
    fn pruned(self) -> Self {
        match self {
            Self::Map(entries) => Self::Map(
                entries
                    .into_iter()
                    .filter(|(_, value)| !value.is_absent())
                    .map(|(key, value)| (key, value.pruned()))
                    .collect(),
            ),
            Self::List(items) => Self::List(items.into_iter().map(Self::pruned).collect()),
            other => other,
        }
    }

    fn is_absent(&self) -> bool {
        match self {
            Self::Null => true,
            Self::List(items) => items.is_empty(),
            _ => false,
        }
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => serializer.serialize_unit(),
            Self::Bool(b) => serializer.serialize_bool(*b),
            Self::Int(n) => serializer.serialize_i64(*n),
            Self::Uint(n) => serializer.serialize_u64(*n),
            Self::Float(x) => serializer.serialize_f64(*x),
            Self::Text(text) => serializer.serialize_str(text),
            Self::List(items) => serializer.collect_seq(items),
            Self::Map(entries) => serializer.collect_map(entries.iter().map(|(k, v)| (k, v))),
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any serialised value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Node, E> {
        Ok(Node::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Node, E> {
        Ok(Node::Int(n))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Node, E> {
        Ok(Node::Uint(n))
    }

    fn visit_f64<E: de::Error>(self, x: f64) -> Result<Node, E> {
        Ok(Node::Float(x))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Node, E> {
        Ok(Node::Text(text.to_owned()))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Node, E> {
        Ok(Node::Text(text))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Node::Map(entries))
    }
}
