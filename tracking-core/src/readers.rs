//! The set of clients that read one key: two ids inline, a side slab beyond that.
//!
//! Most keys are read by one or two clients, so a set costs 16 bytes with no allocation until a
//! third reader arrives. Ids are never 0, which frees 0 to mark "spilled".

use alloc::vec;
use alloc::vec::Vec;
use core::num::NonZeroU64;

use foldhash::fast::FixedState;
use hashbrown::HashSet;

use crate::id::ClientId;

/// Past this many readers a spilled set switches from a list to a hash set.
const LIST_MAX: usize = 16;

/// A reader set as stored in a table entry.
///
/// `a != 0`: inline; `a` is a reader and `b` is a second reader or 0.
/// `a == 0`: spilled; `b` is the set's index in the [`Spills`] slab.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Readers {
    a: u64,
    b: u64,
}

impl Readers {
    pub(crate) fn one(id: ClientId) -> Self {
        Self { a: id.get(), b: 0 }
    }

    /// The set's first word, for reading it ahead of use (see `KeyTable::insert_pairs`).
    pub(crate) fn first_word(self) -> u64 {
        self.a
    }
}

/// Sets of three or more readers.
#[derive(Debug, Default)]
pub(crate) struct Spills {
    sets: Vec<Spill>,
    free: Vec<usize>,
}

#[derive(Debug)]
enum Spill {
    List(Vec<ClientId>),
    Hashed(HashSet<ClientId, FixedState>),
}

/// A reader set taken out of the table, to iterate once.
#[derive(Debug)]
pub(crate) enum Taken {
    Inline(u64, u64),
    List(vec::IntoIter<ClientId>),
    Hashed(hashbrown::hash_set::IntoIter<ClientId>),
}

impl Iterator for Taken {
    type Item = ClientId;

    fn next(&mut self) -> Option<ClientId> {
        match self {
            Self::Inline(a, b) => {
                let id = NonZeroU64::new(*a)?;
                *a = *b;
                *b = 0;
                Some(ClientId::from_nonzero(id))
            }
            Self::List(ids) => ids.next(),
            Self::Hashed(ids) => ids.next(),
        }
    }
}

impl Spills {
    /// Adds `id`; true when it was not there.
    pub(crate) fn add(&mut self, readers: &mut Readers, id: ClientId) -> bool {
        let raw = id.get();
        if readers.a != 0 {
            if readers.a == raw || readers.b == raw {
                return false;
            }
            if readers.b == 0 {
                readers.b = raw;
                return true;
            }
            let (Some(a), Some(b)) = (NonZeroU64::new(readers.a), NonZeroU64::new(readers.b))
            else {
                return false;
            };
            let list = Spill::List(vec![a.into(), b.into(), id]);
            let slot = match self.free.pop() {
                Some(slot) => {
                    self.sets[slot] = list;
                    slot
                }
                None => {
                    self.sets.push(list);
                    self.sets.len() - 1
                }
            };
            *readers = Readers {
                a: 0,
                b: slot as u64,
            };
            return true;
        }
        let Some(set) = usize::try_from(readers.b)
            .ok()
            .and_then(|s| self.sets.get_mut(s))
        else {
            return false;
        };
        match set {
            Spill::List(ids) if ids.contains(&id) => false,
            Spill::List(ids) if ids.len() < LIST_MAX => {
                ids.push(id);
                true
            }
            Spill::List(ids) => {
                let mut hashed: HashSet<ClientId, FixedState> =
                    HashSet::with_capacity_and_hasher(ids.len() * 2, FixedState::default());
                hashed.extend(ids.iter().copied());
                hashed.insert(id);
                *set = Spill::Hashed(hashed);
                true
            }
            Spill::Hashed(ids) => ids.insert(id),
        }
    }

    /// Whether `id` is in the set.
    pub(crate) fn contains(&self, readers: Readers, id: ClientId) -> bool {
        let raw = id.get();
        if readers.a != 0 {
            return readers.a == raw || readers.b == raw;
        }
        match self.get(readers) {
            Some(Spill::List(ids)) => ids.contains(&id),
            Some(Spill::Hashed(ids)) => ids.contains(&id),
            None => false,
        }
    }

    /// The number of ids in the set.
    pub(crate) fn len(&self, readers: Readers) -> usize {
        if readers.a != 0 {
            return 1 + usize::from(readers.b != 0);
        }
        match self.get(readers) {
            Some(Spill::List(ids)) => ids.len(),
            Some(Spill::Hashed(ids)) => ids.len(),
            None => 0,
        }
    }

    /// Takes the set out, releasing its slab slot.
    pub(crate) fn take(&mut self, readers: Readers) -> Taken {
        if readers.a != 0 {
            return Taken::Inline(readers.a, readers.b);
        }
        let Some(slot) = usize::try_from(readers.b)
            .ok()
            .filter(|&s| s < self.sets.len())
        else {
            return Taken::Inline(0, 0);
        };
        self.free.push(slot);
        match core::mem::replace(&mut self.sets[slot], Spill::List(Vec::new())) {
            Spill::List(ids) => Taken::List(ids.into_iter()),
            Spill::Hashed(ids) => Taken::Hashed(ids.into_iter()),
        }
    }

    fn get(&self, readers: Readers) -> Option<&Spill> {
        usize::try_from(readers.b)
            .ok()
            .and_then(|s| self.sets.get(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u64) -> ClientId {
        ClientId::new(n).unwrap()
    }

    #[test]
    fn a_reader_set_is_sixteen_bytes() {
        assert_eq!(size_of::<Readers>(), 16);
    }

    #[test]
    fn each_id_is_stored_once_across_every_representation() {
        let mut spills = Spills::default();
        let mut readers = Readers::one(id(1));
        assert!(!spills.add(&mut readers, id(1)));
        for n in 2..=100 {
            assert!(spills.add(&mut readers, id(n)), "{n} is new");
            assert!(!spills.add(&mut readers, id(n)), "{n} again");
            assert!(!spills.add(&mut readers, id(1)), "1 again at {n}");
            assert_eq!(spills.len(readers), n as usize);
            assert!(spills.contains(readers, id(n)));
            assert!(!spills.contains(readers, id(n + 1)));
        }
        let mut taken: Vec<u64> = spills.take(readers).map(ClientId::get).collect();
        taken.sort_unstable();
        assert_eq!(taken, (1..=100).collect::<Vec<_>>());
    }

    #[test]
    fn a_freed_slab_slot_is_reused() {
        let mut spills = Spills::default();
        let mut first = Readers::one(id(1));
        spills.add(&mut first, id(2));
        spills.add(&mut first, id(3));
        assert_eq!(spills.take(first).count(), 3);
        let mut second = Readers::one(id(7));
        spills.add(&mut second, id(8));
        spills.add(&mut second, id(9));
        assert_eq!(spills.sets.len(), 1);
        assert!(!spills.contains(second, id(1)));
        assert_eq!(spills.len(second), 3);
    }

    #[test]
    fn inline_sets_yield_their_ids_in_insertion_order() {
        let mut spills = Spills::default();
        let mut readers = Readers::one(id(4));
        assert_eq!(spills.take(readers).collect::<Vec<_>>(), [id(4)]);
        spills.add(&mut readers, id(2));
        assert_eq!(spills.take(readers).collect::<Vec<_>>(), [id(4), id(2)]);
    }
}
