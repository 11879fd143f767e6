//! Records and findings set aside as each unit is judged, so that a national run holds in memory
//! only what crosses units and the totals: each job's items, sorted in report order, are appended
//! to one store (memory while small, then an anonymous temporary file outside every input), and
//! read back by a k-way merge that gives the order of a stable sort of everything, ties broken by
//! job order. So the report is the same whatever the number of threads or the order jobs finish in.

use serde::{de::DeserializeOwned, Serialize};
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::marker::PhantomData;

/// Bytes held in memory before the store moves to a temporary file (a province fits).
const IN_MEMORY: usize = 16 << 20;
/// Read buffer per job when merging from the file: a national run merges thousands of jobs.
const CURSOR_BUFFER: usize = 8 << 10;

/// Items of one kind (file records, or findings), set aside job by job.
pub(crate) struct Spill<T> {
    store: Store,
    segments: Vec<Segment>,
    order: fn(&T, &T) -> Ordering,
    /// Why the store stayed in memory, once (a temporary file could not be made).
    pub kept_in_memory: Option<String>,
    _items: PhantomData<fn() -> T>,
}

/// One job's items, encoded and sorted, ready to be appended.
pub(crate) struct Encoded {
    bytes: Vec<u8>,
    count: usize,
}

struct Segment {
    job: usize,
    start: u64,
    len: u64,
}

enum Store {
    Memory(Vec<u8>),
    Disk { file: File, len: u64 },
}

impl<T: Serialize + DeserializeOwned> Spill<T> {
    pub fn new(order: fn(&T, &T) -> Ordering) -> Self {
        Spill {
            store: Store::Memory(Vec::new()),
            segments: Vec::new(),
            order,
            kept_in_memory: None,
            _items: PhantomData,
        }
    }

    /// Sorts (stably) and encodes one job's items: the costly part, done by the job's own thread.
    pub fn encode(items: &mut [T], order: fn(&T, &T) -> Ordering) -> io::Result<Encoded> {
        items.sort_by(order);
        let mut bytes = Vec::new();
        for item in items.iter() {
            serde_json::to_writer(&mut bytes, item)?;
            bytes.push(b'\n');
        }
        Ok(Encoded { bytes, count: items.len() })
    }

    /// Appends job `job`'s encoded items.
    pub fn push(&mut self, job: usize, encoded: Encoded) -> io::Result<()> {
        if encoded.count == 0 {
            return Ok(());
        }
        if let Store::Memory(memory) = &self.store {
            if memory.len() + encoded.bytes.len() > IN_MEMORY && self.kept_in_memory.is_none() {
                match tempfile::tempfile() {
                    Ok(mut file) => {
                        file.write_all(memory)?;
                        self.store = Store::Disk { file, len: memory.len() as u64 };
                    }
                    Err(why) => self.kept_in_memory = Some(why.to_string()),
                }
            }
        }
        let len = encoded.bytes.len() as u64;
        let start = match &mut self.store {
            Store::Memory(memory) => {
                memory.extend_from_slice(&encoded.bytes);
                memory.len() as u64 - len
            }
            Store::Disk { file, len: end } => {
                file.seek(SeekFrom::Start(*end))?;
                file.write_all(&encoded.bytes)?;
                *end += len;
                *end - len
            }
        };
        self.segments.push(Segment { job, start, len });
        Ok(())
    }

    /// Every item in report order.
    pub fn merged(&self) -> Merged<'_, T> {
        let mut segments: Vec<&Segment> = self.segments.iter().collect();
        segments.sort_by_key(|segment| segment.job);
        let cursors: Vec<Cursor<'_>> = segments
            .into_iter()
            .map(|segment| {
                let reader: Box<dyn BufRead + '_> = match &self.store {
                    Store::Memory(memory) => {
                        Box::new(&memory[segment.start as usize..(segment.start + segment.len) as usize])
                    }
                    Store::Disk { file, .. } => Box::new(BufReader::with_capacity(
                        CURSOR_BUFFER,
                        FileRange { file, at: segment.start, end: segment.start + segment.len },
                    )),
                };
                Cursor { reader, line: String::new() }
            })
            .collect();
        let mut merged = Merged { cursors, heap: BinaryHeap::new(), order: self.order, failed: None };
        for rank in 0..merged.cursors.len() {
            merged.advance(rank);
        }
        merged
    }
}

/// A stretch of the spill file, read with its own position (the merge reads many at once).
struct FileRange<'a> {
    file: &'a File,
    at: u64,
    end: u64,
}

impl Read for FileRange<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let left = (self.end - self.at).min(buffer.len() as u64) as usize;
        if left == 0 {
            return Ok(0);
        }
        let mut file = self.file;
        file.seek(SeekFrom::Start(self.at))?;
        let read = file.read(&mut buffer[..left])?;
        self.at += read as u64;
        Ok(read)
    }
}

/// One job's items, read back a line at a time.
struct Cursor<'a> {
    reader: Box<dyn BufRead + 'a>,
    line: String,
}

impl Cursor<'_> {
    fn next<T: DeserializeOwned>(&mut self) -> io::Result<Option<T>> {
        self.line.clear();
        if self.reader.read_line(&mut self.line)? == 0 {
            return Ok(None);
        }
        Ok(Some(serde_json::from_str(&self.line)?))
    }
}

/// The next item of each job, smallest first; ties go to the earlier job.
struct Head<T> {
    item: T,
    rank: usize,
    order: fn(&T, &T) -> Ordering,
}

impl<T> Ord for Head<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap pops the greatest.
        (other.order)(&other.item, &self.item).then(other.rank.cmp(&self.rank))
    }
}

impl<T> PartialOrd for Head<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> PartialEq for Head<T> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl<T> Eq for Head<T> {}

/// The merged items; an error reading the store ends the iteration with that error.
pub(crate) struct Merged<'a, T> {
    cursors: Vec<Cursor<'a>>,
    heap: BinaryHeap<Head<T>>,
    order: fn(&T, &T) -> Ordering,
    failed: Option<io::Error>,
}

impl<T: DeserializeOwned> Merged<'_, T> {
    fn advance(&mut self, rank: usize) {
        match self.cursors[rank].next() {
            Ok(Some(item)) => self.heap.push(Head { item, rank, order: self.order }),
            Ok(None) => {}
            Err(why) => self.failed = self.failed.take().or(Some(why)),
        }
    }
}

impl<T: DeserializeOwned> Iterator for Merged<'_, T> {
    type Item = io::Result<T>;

    fn next(&mut self) -> Option<io::Result<T>> {
        if let Some(why) = self.failed.take() {
            self.heap.clear();
            return Some(Err(why));
        }
        let head = self.heap.pop()?;
        self.advance(head.rank);
        Some(Ok(head.item))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_key(a: &(u32, String), b: &(u32, String)) -> Ordering {
        a.0.cmp(&b.0)
    }

    fn spill_of(jobs: &[Vec<(u32, String)>], in_memory: bool) -> Spill<(u32, String)> {
        let mut spill = Spill::new(by_key);
        if !in_memory {
            spill.store = Store::Disk { file: tempfile::tempfile().unwrap(), len: 0 };
        }
        // Pushed in reverse, as jobs may finish in any order.
        for (job, items) in jobs.iter().enumerate().rev() {
            spill.push(job, Spill::encode(&mut items.clone(), by_key).unwrap()).unwrap();
        }
        spill
    }

    #[test]
    fn the_merge_is_a_stable_sort_of_everything_in_job_order() {
        let jobs = vec![
            vec![(3, "a3".to_string()), (1, "a1".to_string()), (1, "a1bis".to_string())],
            vec![],
            vec![(1, "c1".to_string()), (2, "c2\nnewline".to_string())],
        ];
        let mut expected: Vec<(u32, String)> = jobs.concat();
        expected.sort_by(by_key);
        for in_memory in [true, false] {
            let spill = spill_of(&jobs, in_memory);
            let merged: Vec<_> = spill.merged().map(Result::unwrap).collect();
            assert_eq!(merged, expected, "in memory: {in_memory}");
        }
    }

    #[test]
    fn a_damaged_store_is_an_error_not_a_short_list() {
        let mut spill = spill_of(&[vec![(1, "a".to_string()), (2, "b".to_string())]], true);
        if let Store::Memory(memory) = &mut spill.store {
            memory[3] = b'!';
        }
        let results: Vec<_> = spill.merged().collect();
        assert!(results.iter().any(Result::is_err), "{results:?}");
    }
}
