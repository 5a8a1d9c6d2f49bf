//! Exact rational linear programming: feasibility of `A x = b, x >= 0` by the phase-one
//! simplex method with Bland's rule (which cannot cycle), over exact rationals (the
//! tableau uses [`Q`], machine words while they fit).
//! Bounded by pivots, rows, columns and a wall-clock deadline; a bound that is hit is
//! an error naming it.

use crate::error::{Bound, ProverError, Result};
use crate::q::Q;
use num_rational::BigRational;
use std::time::Instant;

/// Resource bounds of one linear program.
#[derive(Clone, Copy, Debug)]
pub struct LpBounds {
    /// Most pivots.
    pub max_pivots: usize,
    /// Most rows (constraints).
    pub max_rows: usize,
    /// Most columns (unknowns).
    pub max_columns: usize,
    /// When to give up, and the bound in milliseconds to report.
    pub deadline: Option<(Instant, u64)>,
}

/// A solution `x >= 0` of `A x = b` (as `x[j]` per column), or `None` when there is
/// none. `rows[i]` is the sparse row `i` of `A` as `(column, coefficient)` pairs.
pub fn feasible(
    columns: usize,
    rows: &[Vec<(usize, BigRational)>],
    rhs: &[BigRational],
    bounds: &LpBounds,
) -> Result<Option<Vec<BigRational>>> {
    if rows.len() > bounds.max_rows {
        return Err(ProverError::Limit { bound: Bound::Rows, limit: bounds.max_rows as u64 });
    }
    if columns > bounds.max_columns {
        return Err(ProverError::Limit { bound: Bound::Columns, limit: bounds.max_columns as u64 });
    }
    let m = rows.len();
    let n = columns;
    // Dense tableau; row i has n coefficients then the right-hand side. Rows with a
    // negative right-hand side are negated so that the artificial basis is feasible.
    let mut t: Vec<Vec<Q>> = Vec::with_capacity(m);
    for (i, row) in rows.iter().enumerate() {
        let mut r = vec![Q::ZERO; n + 1];
        for (j, c) in row {
            if *j >= n {
                return Err(ProverError::Internal(format!("column {j} out of range")));
            }
            r[*j] = r[*j].add(&Q::from_big(c));
        }
        r[n] = Q::from_big(&rhs[i]);
        if r[n].is_negative() {
            for x in r.iter_mut() {
                *x = x.neg();
            }
        }
        t.push(r);
    }
    // basis[i] >= n means the artificial variable of row i - n.
    let mut basis: Vec<usize> = (0..m).map(|i| n + i).collect();
    // Objective row: minimise the sum of artificials, i.e. d_j = Σ_i t[i][j] over rows
    // whose basic variable is artificial.
    let mut obj = vec![Q::ZERO; n + 1];
    for r in &t {
        for (o, x) in obj.iter_mut().zip(r) {
            *o = o.add(x);
        }
    }
    let mut pivots = 0usize;
    loop {
        if obj[n].is_zero() {
            break;
        }
        // Bland: the entering column is the lowest-numbered with a positive reduced cost.
        let Some(enter) = (0..n).find(|&j| obj[j].is_positive()) else {
            break;
        };
        // Ratio test; ties broken by the lowest-numbered basic variable.
        let mut leave: Option<(usize, Q)> = None;
        for (i, r) in t.iter().enumerate() {
            if r[enter].is_positive() {
                let ratio = r[n].div(&r[enter]);
                let better = match &leave {
                    None => true,
                    Some((l, best)) => ratio < *best || (ratio == *best && basis[i] < basis[*l]),
                };
                if better {
                    leave = Some((i, ratio));
                }
            }
        }
        let Some((row, _)) = leave else {
            // Unbounded in the phase-one objective cannot happen (it is bounded below by
            // zero); treat it as a bug rather than a proof.
            return Err(ProverError::Internal("phase one is unbounded".into()));
        };
        pivots += 1;
        if pivots > bounds.max_pivots {
            return Err(ProverError::Limit { bound: Bound::Pivots, limit: bounds.max_pivots as u64 });
        }
        if let Some((deadline, ms)) = bounds.deadline {
            if Instant::now() > deadline {
                return Err(ProverError::Limit { bound: Bound::Time, limit: ms });
            }
        }
        pivot(&mut t, &mut obj, row, enter);
        basis[row] = enter;
    }
    if !obj[n].is_zero() {
        return Ok(None);
    }
    let mut x = vec![BigRational::from_integer(0.into()); n];
    for (i, &b) in basis.iter().enumerate() {
        if b < n {
            x[b] = t[i][n].to_big();
        }
    }
    Ok(Some(x))
}

fn pivot(t: &mut [Vec<Q>], obj: &mut [Q], row: usize, col: usize) {
    let p = t[row][col].clone();
    for x in t[row].iter_mut() {
        if !x.is_zero() {
            *x = x.div(&p);
        }
    }
    let prow = t[row].clone();
    let nz: Vec<usize> = (0..prow.len()).filter(|&j| !prow[j].is_zero()).collect();
    let eliminate = |r: &mut [Q]| {
        let f = r[col].clone();
        if f.is_zero() {
            return;
        }
        for &j in &nz {
            r[j] = r[j].sub(&f.mul(&prow[j]));
        }
    };
    for (i, r) in t.iter_mut().enumerate() {
        if i != row {
            eliminate(r);
        }
    }
    eliminate(obj);
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigInt;

    fn q(n: i64) -> BigRational {
        BigRational::from_integer(BigInt::from(n))
    }

    fn bounds() -> LpBounds {
        LpBounds { max_pivots: 100, max_rows: 100, max_columns: 100, deadline: None }
    }

    #[test]
    fn finds_a_solution() {
        // x + y = 2, x - y = 0  =>  x = y = 1.
        let rows = vec![vec![(0, q(1)), (1, q(1))], vec![(0, q(1)), (1, q(-1))]];
        let x = feasible(2, &rows, &[q(2), q(0)], &bounds()).unwrap().unwrap();
        assert_eq!(x, vec![q(1), q(1)]);
    }

    #[test]
    fn reports_infeasible() {
        // x + y = -1 with x, y >= 0.
        let rows = vec![vec![(0, q(1)), (1, q(1))]];
        assert_eq!(feasible(2, &rows, &[q(-1)], &bounds()).unwrap(), None);
    }

    #[test]
    fn pivot_bound_is_an_error() {
        let rows = vec![vec![(0, q(1)), (1, q(1))], vec![(0, q(1)), (1, q(-1))]];
        let b = LpBounds { max_pivots: 1, ..bounds() };
        assert_eq!(
            feasible(2, &rows, &[q(2), q(0)], &b).unwrap_err(),
            ProverError::Limit { bound: Bound::Pivots, limit: 1 }
        );
    }
}
