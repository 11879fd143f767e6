//! The per-file signature budgets as they are spent: bytes hashed, revocation bytes read, revisions
//! compared. Every charge either fits or names the budget it would cross, with its numbers.

use super::Budget;
use crate::budget::{BudgetHit, BudgetName};
use std::cell::Cell;

pub(super) struct Meter {
    pub max_certificates: usize,
    max_hashed_bytes: u64,
    pub max_revocation_bytes: usize,
    max_revisions: usize,
    hashed: Cell<u64>,
    revocation: Cell<usize>,
    revisions: Cell<usize>,
}

impl Meter {
    pub fn new(budget: &Budget) -> Meter {
        Meter {
            max_certificates: budget.max_certificates,
            max_hashed_bytes: budget.max_hashed_bytes,
            max_revocation_bytes: budget.max_revocation_bytes,
            max_revisions: budget.max_revisions,
            hashed: Cell::new(0),
            revocation: Cell::new(0),
            revisions: Cell::new(0),
        }
    }

    /// `bytes` more to hash over signed ranges.
    pub fn hash(&self, bytes: u64) -> Result<(), BudgetHit> {
        let total = self.hashed.get().saturating_add(bytes);
        if total > self.max_hashed_bytes {
            return Err(BudgetHit::new(BudgetName::HashedBytes, total, self.max_hashed_bytes));
        }
        self.hashed.set(total);
        Ok(())
    }

    /// What is left of the revocation budget (a decompression limit).
    pub fn revocation_left(&self) -> usize {
        self.max_revocation_bytes.saturating_sub(self.revocation.get())
    }

    /// `bytes` more of CRLs or OCSP responses.
    pub fn revocation(&self, bytes: usize) -> Result<(), BudgetHit> {
        let total = self.revocation.get().saturating_add(bytes);
        if total > self.max_revocation_bytes {
            return Err(BudgetHit::new(BudgetName::RevocationBytes, total, self.max_revocation_bytes));
        }
        self.revocation.set(total);
        Ok(())
    }

    /// One more revision pair compared.
    pub fn revision(&self) -> Result<(), BudgetHit> {
        let total = self.revisions.get() + 1;
        if total > self.max_revisions {
            return Err(BudgetHit::new(BudgetName::Revisions, total, self.max_revisions));
        }
        self.revisions.set(total);
        Ok(())
    }

    /// A CMS with `count` certificates.
    pub fn certificates(&self, count: usize) -> Result<(), BudgetHit> {
        if count > self.max_certificates {
            return Err(BudgetHit::new(BudgetName::Certificates, count, self.max_certificates));
        }
        Ok(())
    }
}
