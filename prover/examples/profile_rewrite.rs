//! Where the time of `rewrite` goes, per identity (a development aid).
use std::time::Instant;
use warrant_kernel::*;
use warrant_prover::*;

#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    let n = 200;
    let (mut tb, mut tr, mut tf, mut tc) = (0.0, 0.0, 0.0, 0.0);
    for id in common::ALL {
        let sig = common::signature(id.theory);
        let (l, r) = common::sides(&sig, id);
        let ctx = common::context_for(&[&l, &r]);
        let rw = Rewriter::new(common::rules(&sig, id)).unwrap();
        let lim = common::limits(id);
        let (mut b_, mut r_, mut f_, mut c_) = (1e9, 1e9, 1e9, 1e9);
        let mut steps = 0;
        for _ in 0..n {
            let t = Instant::now();
            let mut s = rw.search(&l, &r, &lim, true).unwrap();
            s.explain().unwrap();
            drop(s);
            b_ = f64::min(b_, t.elapsed().as_secs_f64());
            let t = Instant::now();
            let mut b = ProofBuilder::new(&sig, &ctx);
            let mut none = |_: &mut ProofBuilder<'_>, _: &Formula| -> Result<StepId, ProverError> {
                Err(ProverError::Internal("none".into()))
            };
            let root = rw.prove_eq(&mut b, &l, &r, &lim, &mut none).unwrap();
            r_ = f64::min(r_, t.elapsed().as_secs_f64());
            let t = Instant::now();
            let proof = b.finish(root).unwrap();
            f_ = f64::min(f_, t.elapsed().as_secs_f64());
            steps = proof.steps.len();
            let t = Instant::now();
            check(&sig, &ctx, &proof).unwrap();
            c_ = f64::min(c_, t.elapsed().as_secs_f64());
        }
        let k = 1e6;
        println!(
            "{:28} steps {:5}  egg+expl {:8.0}us  prove_eq {:8.0}us  finish {:6.0}us  check {:7.0}us",
            id.name,
            steps,
            b_ * k,
            r_ * k,
            f_ * k,
            c_ * k
        );
        tb += b_;
        tr += r_;
        tf += f_;
        tc += c_;
    }
    let k = 1e6;
    println!(
        "total (min per phase) egg+expl {:.0}us prove_eq(search+replay) {:.0}us finish {:.0}us check {:.0}us",
        tb * k,
        tr * k,
        tf * k,
        tc * k
    );
}
