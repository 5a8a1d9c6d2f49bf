//! The technique graph: an edge `a → b` when technique `a` uses technique `b`.
//! Cycles are found with Tarjan's algorithm and reported whole, in `use` order;
//! the acyclic rest is cut into layers that can be audited in parallel, bottom-up.

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::BTreeSet;

/// Techniques (by index) and their `use` edges.
pub struct TechniqueGraph {
    graph: DiGraph<usize, ()>,
}

impl TechniqueGraph {
    /// A graph of `n` techniques with the given `(user, used)` edges.
    pub fn new(n: usize, edges: impl IntoIterator<Item = (usize, usize)>) -> TechniqueGraph {
        let mut graph = DiGraph::with_capacity(n, 0);
        for i in 0..n {
            graph.add_node(i);
        }
        for (a, b) in edges {
            if a < n && b < n {
                graph.update_edge(NodeIndex::new(a), NodeIndex::new(b), ());
            }
        }
        TechniqueGraph { graph }
    }

    /// Every cycle, each as the list of techniques met going around it along `use`
    /// edges, starting from its smallest index. Sorted, so the result is deterministic.
    pub fn cycles(&self) -> Vec<Vec<usize>> {
        let mut out = Vec::new();
        for scc in tarjan_scc(&self.graph) {
            let members: BTreeSet<usize> = scc.iter().map(|n| n.index()).collect();
            let Some(&start) = members.iter().next() else {
                continue;
            };
            let self_loop = self.graph.contains_edge(NodeIndex::new(start), NodeIndex::new(start));
            if members.len() == 1 && !self_loop {
                continue;
            }
            out.push(self.walk_cycle(start, &members));
        }
        out.sort();
        out
    }

    /// A closed walk from `start` through the strongly connected `members`, found by a
    /// breadth-first search back to `start` (so it is a shortest cycle through it).
    fn walk_cycle(&self, start: usize, members: &BTreeSet<usize>) -> Vec<usize> {
        let n = self.graph.node_count();
        let mut parent = vec![usize::MAX; n];
        let mut queue = std::collections::VecDeque::from([start]);
        let mut visited = vec![false; n];
        while let Some(v) = queue.pop_front() {
            let mut next: Vec<usize> = self.graph.neighbors(NodeIndex::new(v)).map(|w| w.index()).collect();
            next.sort_unstable();
            for w in next {
                if !members.contains(&w) {
                    continue;
                }
                if w == start {
                    let mut path = vec![v];
                    let mut cur = v;
                    while cur != start {
                        cur = parent[cur];
                        path.push(cur);
                    }
                    path.reverse();
                    return path;
                }
                if !visited[w] {
                    visited[w] = true;
                    parent[w] = v;
                    queue.push_back(w);
                }
            }
        }
        vec![start]
    }

    /// The techniques not on or above a cycle, in layers: every technique's used
    /// techniques are in earlier layers. Each layer is sorted.
    pub fn layers(&self, excluded: &BTreeSet<usize>) -> Vec<Vec<usize>> {
        let n = self.graph.node_count();
        let mut level: Vec<Option<usize>> = vec![None; n];
        let mut remaining: Vec<usize> = (0..n).filter(|i| !excluded.contains(i)).collect();
        let mut layers: Vec<Vec<usize>> = Vec::new();
        loop {
            let ready: Vec<usize> = remaining
                .iter()
                .copied()
                .filter(|&v| self.graph.neighbors(NodeIndex::new(v)).all(|w| level[w.index()].is_some()))
                .collect();
            if ready.is_empty() {
                break;
            }
            for &v in &ready {
                level[v] = Some(layers.len());
            }
            remaining.retain(|v| level[*v].is_none());
            layers.push(ready);
        }
        layers
    }

    /// Every technique that uses, directly or not, one of `roots` (roots included).
    pub fn users_of(&self, roots: &BTreeSet<usize>) -> BTreeSet<usize> {
        let mut out = roots.clone();
        let mut stack: Vec<usize> = roots.iter().copied().collect();
        while let Some(v) = stack.pop() {
            for w in self.graph.neighbors_directed(NodeIndex::new(v), petgraph::Direction::Incoming) {
                if out.insert(w.index()) {
                    stack.push(w.index());
                }
            }
        }
        out
    }

    /// The techniques `v` uses directly, sorted.
    pub fn uses(&self, v: usize) -> Vec<usize> {
        let mut out: Vec<usize> = self.graph.neighbors(NodeIndex::new(v)).map(|w| w.index()).collect();
        out.sort_unstable();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_whole_cycles_in_use_order() {
        // 0 → 1 → 2 → 0, and 3 → 0 (above the cycle), 4 alone, 5 → 5.
        let g = TechniqueGraph::new(6, [(0, 1), (1, 2), (2, 0), (3, 0), (5, 5)]);
        assert_eq!(g.cycles(), vec![vec![0, 1, 2], vec![5]]);
        let on_cycles: BTreeSet<usize> = [0, 1, 2, 5].into();
        let tainted = g.users_of(&on_cycles);
        assert_eq!(tainted, [0, 1, 2, 3, 5].into());
        assert_eq!(g.layers(&tainted), vec![vec![4]]);
    }

    #[test]
    fn layers_go_bottom_up() {
        // 0 uses 1 and 2; 1 uses 2.
        let g = TechniqueGraph::new(4, [(0, 1), (0, 2), (1, 2)]);
        assert!(g.cycles().is_empty());
        assert_eq!(g.layers(&BTreeSet::new()), vec![vec![2, 3], vec![1], vec![0]]);
        assert_eq!(g.uses(0), vec![1, 2]);
    }
}
