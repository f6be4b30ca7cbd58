#!/usr/bin/env bash
# Economics of curator strategies under every shipped evaluation spec, side by side: figures, not a test.
#   scripts/bench/economics.sh [--quick] [--markets N] [--pools 250,1000] [--labels N] [--v2-only] [--no-features] [--v1-permutations N] [--detail ID]
#                              [--specs v2,v3] [--cartel N] [--v3 FILE] [--v3-features FILE] [--v3-duo FILE]
# Seeded markets on UKPConvArg1, HH-RLHF and PandaLM (data/*/NOTICE) and an adversarial split of each (its usual length
# heuristic right on 35% of the pairs), at a 250-item pool and a larger one (up to 1,000); per spec (bt-shapley-v1,
# bt-inrun-v2-open, bt-inrun-v2, bt-inrun-v2-features-open, bt-inrun-v2-features, bt-inrun-v3, bt-inrun-v3-features, bt-inrun-v3-features-duo) each strategy's profit per staked
# token (mean, 10th..90th percentile, share that lost), the group/alone ratios of copies, splits and replicas, address
# grinding on assigned specs, and PASS/FAIL per goal, spec, dataset and pool; writes out/bench/economics.json.
# --specs v3,v2: only those columns; --cartel N: N more addresses labelling by one secret pattern (a coalition a peer
# signal could pay; counted with the non-informative strategies in G1).
# Default: 3 markets per dataset and pool (36 markets, ~14 minutes on 2 cores); --quick: 1 (12 markets, ~4 minutes);
# --markets 6: 72 markets, ~28 minutes (the figures in docs/evaluation.md, "Does honesty pay?").
# The MiniLM features are embedded once (about 3 minutes) and cached under out/cache/features/.
# docs/evaluation.md's tables: node scripts/bench/economics-markdown.mjs out/bench/economics.json --spec v3,v3-feat
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/lib/quiet.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
quiet dotnet build scripts/bench/Protocol.Economics.Bench -c Release --nologo -v quiet -o out/bench/economics
exec dotnet out/bench/economics/economics-bench.dll --data data --cache out/cache/features --json out/bench/economics.json "$@"
