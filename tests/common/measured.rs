//! Runs the kiemchung binary as a child and reads back what the kernel measured of it: its peak
//! resident memory (wait4's rusage, the child's own high-water mark) and its wall time. A watchdog
//! kills a child that runs past the limit, so a hang fails the test instead of stalling the suite.

#![allow(dead_code)] // each test reads the measurements it needs

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Measured {
    /// The exit code; `None` when a signal ended it (killed by the watchdog, aborted, stack overflow).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub max_rss_mib: u64,
    pub elapsed: Duration,
    pub killed_by_watchdog: bool,
}

/// `kiemchung ARGS…` under a wall-clock limit, stdout and stderr captured through files (a pipe
/// left unread would block a child that writes much).
pub fn run_kiemchung(args: &[&str], limit: Duration) -> Measured {
    let out = tempfile::NamedTempFile::new().unwrap();
    let err = tempfile::NamedTempFile::new().unwrap();
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_kiemchung"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(out.reopen().unwrap())
        .stderr(err.reopen().unwrap())
        .spawn()
        .expect("the binary starts");
    let pid = child.id() as libc::pid_t;
    let done = Arc::new(AtomicBool::new(false));
    let killed = Arc::new(AtomicBool::new(false));
    let watchdog = {
        let (done, killed) = (done.clone(), killed.clone());
        std::thread::spawn(move || {
            let until = Instant::now() + limit;
            while Instant::now() < until {
                if done.load(Ordering::SeqCst) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            if !done.load(Ordering::SeqCst) {
                killed.store(true, Ordering::SeqCst);
                // SAFETY: the pid is our child's, not yet reaped (done is false).
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
        })
    };
    let mut status = 0;
    // SAFETY: zeroed rusage is a valid out-parameter for wait4.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child; status and usage are valid out-parameters.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    done.store(true, Ordering::SeqCst);
    watchdog.join().unwrap();
    assert_eq!(reaped, pid, "wait4 failed");
    std::mem::forget(child); // already reaped by wait4
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Measured {
        code,
        stdout: std::fs::read_to_string(out.path()).unwrap_or_default(),
        stderr: std::fs::read_to_string(err.path()).unwrap_or_default(),
        max_rss_mib: usage.ru_maxrss as u64 / 1024,
        elapsed: started.elapsed(),
        killed_by_watchdog: killed.load(Ordering::SeqCst),
    }
}
