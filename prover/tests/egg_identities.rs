//! The identities of egg 0.11's own `tests/math.rs` and `tests/prop.rs` that live in
//! our logic (see `common/mod.rs` for what was kept and what was left out and why),
//! each proved by `rewrite` with its explanation replayed and checked by the kernel.

mod common;
use common::*;
use warrant_prover::{Bound, ProverError, RewriteLimits};

macro_rules! proves {
    ($test:ident, $identity:ident) => {
        #[test]
        fn $test() {
            prove(&$identity).unwrap();
        }
    };
}

proves!(math_associate_adds, MATH_ASSOCIATE_ADDS);
proves!(math_simplify_add, MATH_SIMPLIFY_ADD);
proves!(math_simplify_const, MATH_SIMPLIFY_CONST);
proves!(math_simplify_factor, MATH_SIMPLIFY_FACTOR);
proves!(math_assoc_mul_saturates, MATH_ASSOC_MUL_SATURATES);
proves!(prop_contrapositive_1, PROP_CONTRAPOSITIVE_1);
proves!(prop_contrapositive_2, PROP_CONTRAPOSITIVE_2);
proves!(prop_contrapositive_3, PROP_CONTRAPOSITIVE_3);
proves!(prop_contrapositive_4, PROP_CONTRAPOSITIVE_4);
proves!(prop_chain_1, PROP_CHAIN_1);
proves!(prop_chain_2, PROP_CHAIN_2);
proves!(prop_const_fold, PROP_CONST_FOLD);

/// egg's `math_fail`: `(+ x y)` is not `(/ x y)`; in our logic (no division by a
/// variable) we ask for `(* x y)`. The search hits a bound, which is an error naming
/// it, never a proof.
#[test]
fn math_fail() {
    let id = Identity {
        name: "math_fail",
        theory: Theory::Math,
        rules: None,
        lhs: "(+ x y)",
        rhs: "(* x y)",
        fold: true,
        iterations: 30,
    };
    let limits = RewriteLimits {
        max_nodes: 2_000,
        max_time: std::time::Duration::from_secs(600),
        ..RewriteLimits::default()
    };
    assert_eq!(
        prove_with(&id, &limits).unwrap_err(),
        ProverError::Limit { bound: Bound::Nodes, limit: 2_000 }
    );
}
