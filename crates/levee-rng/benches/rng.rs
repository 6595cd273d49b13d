//! Throughput of identity-keyed draws.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use levee_rng::Stream;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let s = Stream::new(1, "bench");
    let mut g = c.benchmark_group("rng");
    g.throughput(Throughput::Elements(1 << 16));
    g.bench_function("philox_block_x65536", |b| {
        b.iter(|| {
            let mut acc = 0u32;
            for i in 0..(1u64 << 16) {
                acc ^= s.block(black_box(i), 3, 0)[0];
            }
            acc
        })
    });
    g.bench_function("uniform_x65536", |b| {
        b.iter(|| {
            let mut acc = 0.0;
            for i in 0..(1u64 << 16) {
                acc += s.uniform(black_box(i), 3, 0);
            }
            acc
        })
    });
    g.bench_function("normal_inv_cdf_x65536", |b| {
        b.iter(|| {
            let mut acc = 0.0;
            for i in 0..(1u64 << 16) {
                acc += levee_rng::normal_inv_cdf(black_box((i as f64 + 0.5) / 65536.0));
            }
            acc
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
