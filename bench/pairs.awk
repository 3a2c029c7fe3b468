# Shared by bench/run and bench/starts (awk -f bench/pairs.awk -f PROGRAM): the ratio of one pair
# of samples and the median of a set of pair ratios, so both read a run the same way.

# pair_ratio(KIND, NUM, DEN): one pair's ratio from the two scripts' transactions/s: numerator ÷
# denominator for kind tps; for kind latency time per transaction, numerator ÷ denominator, which
# is the denominator's transactions/s ÷ the numerator's.
function pair_ratio(kind, num, den) { return (kind == "latency") ? den / num : num / den }

# sort_median(V, N): sorts V[1..N] ascending in place (so V[1] is the min, V[N] the max) and
# returns the median; N is at most a few dozen pairs, so an insertion sort.
function sort_median(v, n,    i, j, t) {
    for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
    return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
