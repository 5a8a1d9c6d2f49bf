//! A `psatz` certificate's list of facts does not make the checker reserve memory in
//! proportion to its length before reading it: a list of a million references to a
//! step that does not exist is refused after allocations no larger than the list.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use warrant_kernel::*;

/// The system allocator, recording the largest single request.
struct Largest;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Largest {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Largest = Largest;

#[test]
fn a_long_list_of_facts_reserves_nothing_in_advance() {
    let n = 1_000_000;
    let facts = vec![7; n];
    let list_bytes = n * std::mem::size_of::<usize>();
    let step = Step::Psatz { goal: Formula::False, facts, products: vec![], squares: vec![] };
    let proof = Proof { steps: vec![step] };
    LARGEST.store(0, Ordering::Relaxed);
    let e = check(&Signature::new(), &Context::default(), &proof).unwrap_err();
    let largest = LARGEST.load(Ordering::Relaxed);
    let missing = KernelError::ForwardReference { reference: 7 };
    assert_eq!(e, KernelError::Step { step: 0, rule: "psatz", error: Box::new(missing) });
    assert!(
        largest <= list_bytes,
        "the check asked for {largest} bytes at once; the list itself is {list_bytes}"
    );
}
