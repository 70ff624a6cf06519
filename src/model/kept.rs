//! Answers a thread keeps by name, for look-ups that are dear and asked thousands of times
//! over few distinct names: a language's syntax, a word's stem. Per thread, so the rayon
//! workers that load and render never wait on each other for them.

use std::cell::RefCell;
use std::collections::HashMap;
use std::thread::LocalKey;

/// What one thread keeps: name → answer.
pub type Kept<V> = RefCell<HashMap<String, V>>;

/// `find(name)`, kept in `kept`; past `max` names the thread starts again, so text that
/// names something new each time cannot grow it without end.
pub fn remembered<V: Clone>(
    kept: &'static LocalKey<Kept<V>>,
    name: &str,
    max: usize,
    find: impl FnOnce(&str) -> V,
) -> V {
    if let Some(found) = kept.with_borrow(|kept| kept.get(name).cloned()) {
        return found;
    }
    let found = find(name);
    kept.with_borrow_mut(|kept| {
        if kept.len() >= max {
            kept.clear();
        }
        kept.insert(name.to_owned(), found.clone());
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local!(static KEPT: Kept<usize> = RefCell::default());

    #[test]
    fn finds_each_name_once_until_full() {
        let asked = std::cell::Cell::new(0);
        let find = |name: &str| {
            asked.set(asked.get() + 1);
            name.len()
        };
        assert_eq!(remembered(&KEPT, "abc", 2, find), 3);
        assert_eq!(remembered(&KEPT, "abc", 2, find), 3);
        assert_eq!(remembered(&KEPT, "de", 2, find), 2);
        assert_eq!(asked.get(), 2);
        // Full: the third name starts the thread's answers again.
        assert_eq!(remembered(&KEPT, "f", 2, find), 1);
        assert_eq!(KEPT.with_borrow(|kept| kept.len()), 1);
        assert_eq!(remembered(&KEPT, "abc", 2, find), 3);
        assert_eq!(asked.get(), 4);
    }
}
