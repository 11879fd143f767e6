//! Login lockout: wrong passwords for one account name, or from one client address, are answered
//! more and more slowly, then refused for a while (429) without running Argon2 at all. A success
//! clears both. The tables are bounded: a flood of made-up names or addresses evicts the entries
//! that lock nothing before any that does, and never grows memory past `TRACKED` entries each.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Wrong passwords for one account name within `WINDOW` before it is locked.
pub const ACCOUNT_FAILURES: u32 = 5;
/// One address may be a whole office behind one NAT: more room before it is locked.
pub const ADDRESS_FAILURES: u32 = 20;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
pub const LOCK: Duration = Duration::from_secs(15 * 60);
/// Entries kept per table, at most.
pub const TRACKED: usize = 10_000;
/// A name is tracked by its first bytes: a long name cannot make an entry large.
const NAME_BYTES: usize = 128;
/// The slowest answer to a wrong password before the lock.
const MOST_DELAY: Duration = Duration::from_secs(4);

/// What a wrong password leads to.
#[derive(Debug, PartialEq, Eq)]
pub enum Failure {
    /// Answer after this long.
    Slowed(Duration),
    /// Locked now, for this long.
    Locked(Duration),
}

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    first: Instant,
    last: Instant,
    locked_until: Option<Instant>,
}

impl Failures {
    fn locks_at(&self, now: Instant) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }

    /// Still worth keeping: locked, or failures inside the window.
    fn matters_at(&self, now: Instant) -> bool {
        self.locks_at(now) || now.saturating_duration_since(self.first) <= WINDOW
    }
}

struct Tracker {
    limit: u32,
    entries: HashMap<String, Failures>,
}

impl Tracker {
    fn new(limit: u32) -> Tracker {
        Tracker { limit, entries: HashMap::new() }
    }

    fn locked_for(&self, key: &str, now: Instant) -> Option<Duration> {
        let until = self.entries.get(key)?.locked_until?;
        (until > now).then(|| until - now)
    }

    /// Counts a failure; returns the failures in the window and the lock it started, if any.
    fn fail(&mut self, key: &str, now: Instant) -> (u32, Option<Duration>) {
        if !self.entries.contains_key(key) {
            self.make_room(now);
        }
        let fresh = Failures { count: 0, first: now, last: now, locked_until: None };
        let entry = self.entries.entry(key.to_string()).or_insert(fresh);
        if !entry.matters_at(now) || entry.locked_until.is_some_and(|until| until <= now) {
            *entry = fresh;
        }
        entry.count += 1;
        entry.last = now;
        if entry.count >= self.limit && !entry.locks_at(now) {
            entry.locked_until = Some(now + LOCK);
        }
        (entry.count, entry.locked_until.map(|until| until - now))
    }

    fn clear(&mut self, key: &str) {
        self.entries.remove(key);
    }

    /// Below `TRACKED` entries: stale ones go first, then a tenth of the table, the least recent
    /// that lock nothing first; a lock goes only when it is among the tenth whose ends come
    /// soonest (a table full of locks). A tenth at a time keeps a flood's cost per entry small.
    fn make_room(&mut self, now: Instant) {
        if self.entries.len() < TRACKED {
            return;
        }
        self.entries.retain(|_, failures| failures.matters_at(now));
        if self.entries.len() < TRACKED {
            return;
        }
        let mut order: Vec<(bool, Instant, String)> = self
            .entries
            .iter()
            .map(|(key, f)| (f.locks_at(now), f.locked_until.unwrap_or(f.last).max(f.last), key.clone()))
            .collect();
        let evicted = TRACKED / 10;
        order.select_nth_unstable_by(evicted, |a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        for (_, _, key) in &order[..evicted] {
            self.entries.remove(key);
        }
    }
}

pub struct Lockout {
    accounts: Mutex<Tracker>,
    addresses: Mutex<Tracker>,
}

impl Default for Lockout {
    fn default() -> Lockout {
        Lockout {
            accounts: Mutex::new(Tracker::new(ACCOUNT_FAILURES)),
            addresses: Mutex::new(Tracker::new(ADDRESS_FAILURES)),
        }
    }
}

impl Lockout {
    /// How much longer `name` or `address` is locked, if either is.
    pub fn locked_for(&self, name: &str, address: IpAddr, now: Instant) -> Option<Duration> {
        let account = lock(&self.accounts).locked_for(&account_key(name), now);
        let address = lock(&self.addresses).locked_for(&address_key(address), now);
        account.max(address)
    }

    /// A wrong password for `name` from `address`.
    pub fn failed(&self, name: &str, address: IpAddr, now: Instant) -> Failure {
        let (count, account_lock) = lock(&self.accounts).fail(&account_key(name), now);
        let (_, address_lock) = lock(&self.addresses).fail(&address_key(address), now);
        match account_lock.max(address_lock) {
            Some(locked) => Failure::Locked(locked),
            None => Failure::Slowed(Duration::from_secs(u64::from(count)).min(MOST_DELAY)),
        }
    }

    /// The right password: what was counted against the name and the address is forgotten.
    pub fn succeeded(&self, name: &str, address: IpAddr) {
        lock(&self.accounts).clear(&account_key(name));
        lock(&self.addresses).clear(&address_key(address));
    }

    /// Entries held (accounts, addresses): for the tests of the bound.
    #[cfg(test)]
    fn tracked(&self) -> (usize, usize) {
        (lock(&self.accounts).entries.len(), lock(&self.addresses).entries.len())
    }
}

fn lock(tracker: &Mutex<Tracker>) -> std::sync::MutexGuard<'_, Tracker> {
    tracker.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn account_key(name: &str) -> String {
    let mut end = name.len().min(NAME_BYTES);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name[..end].to_string()
}

/// An IPv6 client owns its whole /64: counted as one address, as an IPv4 one is.
fn address_key(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// How long to wait, in the words of the 429 answer: whole minutes, rounded up.
pub fn retry_message(wait: Duration, lang: kiemchung::model::Lang) -> String {
    let minutes = wait.as_secs().div_ceil(60).max(1);
    lang.pick(
        format!("Đăng nhập sai quá nhiều lần nên tạm thời bị khoá; xin thử lại sau {minutes} phút."),
        format!(
            "Too many failed sign-ins: signing in is locked for now; try again in {minutes} minute{}.",
            if minutes == 1 { "" } else { "s" }
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    const HOME: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 7));

    #[test]
    fn wrong_passwords_slow_then_lock_the_name_until_the_lock_ends_and_success_resets() {
        let lockout = Lockout::default();
        let start = Instant::now();
        for n in 1..ACCOUNT_FAILURES {
            assert_eq!(lockout.failed("ubnd-a", HOME, start), Failure::Slowed(Duration::from_secs(n.into())));
            assert_eq!(lockout.locked_for("ubnd-a", HOME, start), None);
        }
        assert_eq!(lockout.failed("ubnd-a", HOME, start), Failure::Locked(LOCK));
        assert_eq!(
            lockout.locked_for("ubnd-a", HOME, start + Duration::from_secs(60)),
            Some(LOCK - Duration::from_secs(60))
        );
        // Another name from another address is not locked by it.
        let elsewhere = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 8));
        assert_eq!(lockout.locked_for("ubnd-b", elsewhere, start), None);
        // Once the lock is over, the name starts again from one failure.
        let later = start + LOCK + Duration::from_secs(1);
        assert_eq!(lockout.locked_for("ubnd-a", HOME, later), None);
        assert_eq!(lockout.failed("ubnd-a", HOME, later), Failure::Slowed(Duration::from_secs(1)));
        lockout.succeeded("ubnd-a", HOME);
        assert_eq!(lockout.failed("ubnd-a", HOME, later), Failure::Slowed(Duration::from_secs(1)));
    }

    #[test]
    fn failures_older_than_the_window_are_forgotten() {
        let lockout = Lockout::default();
        let start = Instant::now();
        for _ in 1..ACCOUNT_FAILURES {
            lockout.failed("ubnd-a", HOME, start);
        }
        let after_window = start + WINDOW + Duration::from_secs(1);
        assert_eq!(lockout.failed("ubnd-a", HOME, after_window), Failure::Slowed(Duration::from_secs(1)));
    }

    #[test]
    fn one_address_trying_many_names_is_locked_and_a_v6_client_is_its_64() {
        let lockout = Lockout::default();
        let now = Instant::now();
        let v6 = |last: u16| IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 1, 2, 0, 0, 0, last));
        for n in 1..ADDRESS_FAILURES {
            assert!(matches!(lockout.failed(&format!("name-{n}"), v6(n as u16), now), Failure::Slowed(_)));
        }
        assert_eq!(lockout.failed("one-more", v6(999), now), Failure::Locked(LOCK));
        assert_eq!(lockout.locked_for("anyone", v6(4242), now), Some(LOCK));
        let other_net = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 1, 3, 0, 0, 0, 1));
        assert_eq!(lockout.locked_for("anyone", other_net, now), None);
    }

    #[test]
    fn a_flood_of_names_stays_bounded_and_does_not_evict_a_lock() {
        let lockout = Lockout::default();
        let now = Instant::now();
        for _ in 0..ACCOUNT_FAILURES {
            lockout.failed("victim", HOME, now);
        }
        for n in 0..TRACKED * 3 {
            // Each from its own address, so the addresses table is flooded too.
            let address = IpAddr::V4(Ipv4Addr::from(0x0b00_0000 + n as u32));
            lockout.failed(&format!("made-up-{n}-{}", "x".repeat(300)), address, now);
        }
        let (accounts, addresses) = lockout.tracked();
        assert!(accounts <= TRACKED && addresses <= TRACKED, "{accounts} {addresses}");
        assert!(lockout.locked_for("victim", IpAddr::V4(Ipv4Addr::new(1, 2, 3, 4)), now).is_some());
    }

    #[test]
    fn the_429_message_says_when_in_the_pages_language() {
        use kiemchung::model::Lang;
        assert!(retry_message(LOCK, Lang::Vi).contains("thử lại sau 15 phút"));
        assert!(retry_message(Duration::from_secs(61), Lang::En).contains("in 2 minutes"));
        assert!(retry_message(Duration::from_secs(5), Lang::En).contains("in 1 minute."));
    }
}
