#!/usr/bin/env bash
# Committed MiniLM features against hashed n-grams in the evaluation engine: figures, not a test.
#   scripts/bench/features.sh [--seeds N] [--quick] [--curators N] [--labels N] [--rates 8,16,32,64] [--iterations 50,100]
# On UKPConvArg1, HH-RLHF (harmless test) and PandaLM (data/*/NOTICE), per seed (default 5; --quick: 1 seed and v1 at
# 16 permutations) a known-accuracy market of 100 curators x 100 labels, p ~ U(0.5, 0.95), evaluated side by side by
# bt-shapley-v1, bt-inrun-v2-open, bt-inrun-v2, bt-inrun-v2-features-open and bt-inrun-v2-features: gold accuracy,
# Spearman(value, p), seconds per evaluation; UKPConvArg1's real crowd; a learning-rate x iterations grid of
# bt-inrun-v2-features-open; one goal line for HH-RLHF. Writes out/bench/features.json. The MiniLM features are
# embedded once (a few minutes) and cached under out/cache/features/; delete that folder to embed again.
#   scripts/bench/features.sh --embed-only [--threads 1,2] [--pools ukp,hh] [--no-before]
# Only the embedding step, on the UKPConvArg1 pool (8,893 pairs, 533 texts) and HH-RLHF's responses, on each thread
# count: the loop before issue 26 against ComparisonFeatures now, texts/s, tokens/s, CPU seconds and the share of the
# fp32 FLOP bound (measured FMA peak), and whether the two features files are the same bytes (exit 1 if not). 8 minutes on the shared 2-core machine.
#   scripts/bench/features.sh --heads
# What each ingredient of a stronger head adds (issue 26), outside the engine in double precision: held-out accuracy of
# v2's schedule, converged logistic regression and a 32-unit MLP on MiniLM, arctic-xs, both side by side and prompt
# interactions, with true and noisy labels, 5 seeds per dataset (~10 minutes on 2 cores).
#   scripts/bench/features.sh --flipped [--seeds 3] [--flip-rates 10,20,30] [--datasets ukp,hh] [--no-features]
# Label-level detection instead: honest files with a random 10/20/30% of labels flipped, AUROC of each label's value
# (labels.jsonl) for correct vs flipped, per in-run spec on UKPConvArg1 and HH-RLHF (docs/evaluation.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/lib/quiet.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
quiet dotnet build scripts/bench/Protocol.Features.Bench -c Release --nologo -v quiet -o out/bench/features
exec dotnet out/bench/features/features-bench.dll --data data --cache out/cache/features --json out/bench/features.json "$@"
