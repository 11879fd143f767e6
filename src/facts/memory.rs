//! A memory gate shared by every job: before a file is read into memory, its reading reserves an
//! estimate of what it will hold (its bytes, lopdf's copy of its streams, pdf-extract's second
//! copy), and waits while the files already being read hold too much. Two large files are then read
//! one after the other instead of together, so the run's peak stays near the pool, whatever `--jobs`.

use std::sync::{Condvar, Mutex};

/// Bytes all jobs may hold at once (estimated).
pub const POOL_BYTES: u64 = 448 << 20;
/// Copies of a file's bytes its reading may hold at once: the file, lopdf's streams, pdf-extract's.
const COPIES: u64 = 3;

static IN_USE: Mutex<u64> = Mutex::new(0);
static RELEASED: Condvar = Condvar::new();

/// A share of the pool, given back when dropped.
pub struct Permit(u64);

/// Waits until a file of `size` bytes may be read. A file whose estimate is the whole pool (or more)
/// waits until it is read alone.
pub fn reserve(size: u64) -> Permit {
    let weight = size.saturating_mul(COPIES).min(POOL_BYTES);
    let mut in_use = IN_USE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    while *in_use > 0 && *in_use + weight > POOL_BYTES {
        in_use = RELEASED.wait(in_use).unwrap_or_else(|poisoned| poisoned.into_inner());
    }
    *in_use += weight;
    Permit(weight)
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut in_use = IN_USE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *in_use -= self.0;
        RELEASED.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_file_waits_for_the_pool_and_small_ones_share_it() {
        let small = [reserve(1 << 20), reserve(1 << 20)];
        assert_eq!(*IN_USE.lock().unwrap(), 6 << 20);
        let waiter = std::thread::spawn(|| drop(reserve(POOL_BYTES)));
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(!waiter.is_finished(), "the whole pool waits for the small files");
        drop(small);
        waiter.join().unwrap();
        assert_eq!(*IN_USE.lock().unwrap(), 0);
    }
}
