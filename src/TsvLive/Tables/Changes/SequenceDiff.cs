namespace TsvLive.Tables.Changes;

/// <summary>A run of differences: rows <c>[A, AEnd)</c> of the old sequence became rows <c>[B, BEnd)</c> of the new.</summary>
internal readonly record struct Hunk(int A, int AEnd, int B, int BEnd);

/// <summary>
/// A line diff over row hashes, as git's patience diff does it: the common start and end are
/// skipped; rows that occur exactly once in both sides anchor the alignment (the longest increasing
/// run of them, so moved rows do not cross); each stretch between two anchors is diffed the same way;
/// a stretch without anchors (duplicated rows, or nothing in common) goes to Myers' O(ND) algorithm,
/// which finds a shortest edit script. Linear in the rows plus n·log n for the anchors, whatever the
/// table's size, when the changes are scattered; a stretch whose shortest script would be longer than
/// <see cref="MaxMyersEdits"/> is walked on both sides together instead (<see cref="Resynchronize"/>).
/// </summary>
internal static class SequenceDiff
{
    /// <summary>The longest edit script Myers' algorithm looks for in one stretch without anchors.</summary>
    public const int MaxMyersEdits = 2048;

    /// <summary>Roughly the most row comparisons Myers' algorithm may make on one stretch (its cost is O((n + m)·d)).</summary>
    private const long MaxMyersWork = 200_000_000;

    public static List<Hunk> Diff(ReadOnlySpan<long> a, ReadOnlySpan<long> b, CancellationToken cancellationToken)
    {
        var hunks = new List<Hunk>();
        // The stretches still to diff, in order: an explicit stack, so no input nests calls deeply.
        var stack = new Stack<Hunk>();
        stack.Push(new Hunk(0, a.Length, 0, b.Length));
        while (stack.TryPop(out var range))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (a0, a1, b0, b1) = (range.A, range.AEnd, range.B, range.BEnd);
            while (a0 < a1 && b0 < b1 && a[a0] == b[b0])
            {
                a0++;
                b0++;
            }
            while (a0 < a1 && b0 < b1 && a[a1 - 1] == b[b1 - 1])
            {
                a1--;
                b1--;
            }
            if (a0 == a1 || b0 == b1)
            {
                Add(hunks, new Hunk(a0, a1, b0, b1));
                continue;
            }
            var anchors = Anchors(a, a0, a1, b, b0, b1);
            if (anchors.Count == 0)
            {
                Myers(a, a0, a1, b, b0, b1, hunks);
                continue;
            }
            // Pushed last first, so they are diffed (and their hunks added) in order.
            var (endA, endB) = (a1, b1);
            for (var i = anchors.Count - 1; i >= 0; i--)
            {
                var (ai, bi) = anchors[i];
                stack.Push(new Hunk(ai + 1, endA, bi + 1, endB));
                (endA, endB) = (ai, bi);
            }
            stack.Push(new Hunk(a0, endA, b0, endB));
        }
        return hunks;
    }

    /// <summary>Adds a hunk (nothing for an empty one), joined to the one before when they touch.</summary>
    private static void Add(List<Hunk> hunks, Hunk hunk)
    {
        if (hunk.A == hunk.AEnd && hunk.B == hunk.BEnd)
        {
            return;
        }
        if (hunks.Count > 0 && hunks[^1] is var last && last.AEnd == hunk.A && last.BEnd == hunk.B)
        {
            hunks[^1] = last with { AEnd = hunk.AEnd, BEnd = hunk.BEnd };
            return;
        }
        hunks.Add(hunk);
    }

    /// <summary>
    /// The rows that occur once in each side of the stretch, as (old, new) positions, thinned to the
    /// longest run increasing on both sides (patience sorting).
    /// </summary>
    private static List<(int A, int B)> Anchors(ReadOnlySpan<long> a, int a0, int a1, ReadOnlySpan<long> b, int b0, int b1)
    {
        var counts = new OccurrenceTable(a1 - a0 + b1 - b0);
        for (var i = a0; i < a1; i++)
        {
            counts.Count(a[i], i, side: 0);
        }
        for (var j = b0; j < b1; j++)
        {
            counts.Count(b[j], j, side: 1);
        }
        var pairs = new List<(int A, int B)>();
        for (var i = a0; i < a1; i++)
        {
            if (counts.OnceInBoth(a[i], out var j))
            {
                pairs.Add((i, j));
            }
        }
        return LongestIncreasing(pairs);
    }

    /// <summary>The longest subsequence of <paramref name="pairs"/> (in increasing A) whose B increase too.</summary>
    private static List<(int A, int B)> LongestIncreasing(List<(int A, int B)> pairs)
    {
        if (pairs.Count == 0)
        {
            return pairs;
        }
        var tails = new List<int>(); // index into pairs of the smallest tail of each length
        var previous = new int[pairs.Count];
        for (var k = 0; k < pairs.Count; k++)
        {
            var (lo, hi) = (0, tails.Count);
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (pairs[tails[mid]].B < pairs[k].B)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }
            previous[k] = lo > 0 ? tails[lo - 1] : -1;
            if (lo == tails.Count)
            {
                tails.Add(k);
            }
            else
            {
                tails[lo] = k;
            }
        }
        var run = new List<(int A, int B)>(tails.Count);
        for (var k = tails[^1]; k >= 0; k = previous[k])
        {
            run.Add(pairs[k]);
        }
        run.Reverse();
        return run;
    }

    /// <summary>
    /// Myers' greedy algorithm (1986) on one stretch: the furthest reaching path on each diagonal for
    /// d = 0, 1, … edits, every step's frontier kept (2d + 1 numbers) to walk the shortest script back;
    /// past <see cref="MaxMyersEdits"/> edits (fewer on a long stretch, see <see cref="MaxMyersWork"/>)
    /// it gives up and the stretch is resynchronized.
    /// </summary>
    private static void Myers(ReadOnlySpan<long> a, int a0, int a1, ReadOnlySpan<long> b, int b0, int b1, List<Hunk> hunks)
    {
        var n = a1 - a0;
        var m = b1 - b0;
        var max = (int)Math.Min(Math.Min(n + m, MaxMyersEdits), Math.Max(64, MaxMyersWork / (n + m)));
        var offset = max + 1;
        var v = new int[2 * max + 3];
        var trace = new List<int[]>();
        var found = -1;
        for (var d = 0; d <= max && found < 0; d++)
        {
            for (var k = -d; k <= d; k += 2)
            {
                var x = k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
                var y = x - k;
                while (x < n && y < m && a[a0 + x] == b[b0 + y])
                {
                    x++;
                    y++;
                }
                v[offset + k] = x;
                if (x >= n && y >= m)
                {
                    found = d;
                    break;
                }
            }
            trace.Add(v[(offset - d)..(offset + d + 1)]); // diagonals -d..d, the ones step d reached
        }
        if (found < 0)
        {
            Resynchronize(a, a0, a1, b, b0, b1, hunks);
            return;
        }
        // Walk back from (n, m): each step is one edit and the diagonal run before it.
        var matches = new List<(int X, int Y, int Length)>();
        var (cx, cy) = (n, m);
        for (var d = found; d > 0; d--)
        {
            var before = trace[d - 1]; // diagonal k at index k + d - 1
            var k = cx - cy;
            var prevK = k == -d || (k != d && before[k - 1 + d - 1] < before[k + 1 + d - 1]) ? k + 1 : k - 1;
            var prevX = before[prevK + d - 1];
            var prevY = prevX - prevK;
            var startX = prevK == k + 1 ? prevX : prevX + 1; // after the edit: down (insert) keeps x, right (delete) adds 1
            var startY = startX - k;
            if (cx > startX)
            {
                matches.Add((startX, startY, cx - startX));
            }
            (cx, cy) = (prevX, prevY);
        }
        if (cx > 0)
        {
            matches.Add((0, 0, cx)); // the run at the very start (d = 0)
        }
        matches.Reverse();
        var (pa, pb) = (0, 0);
        foreach (var (x, y, length) in matches)
        {
            Add(hunks, new Hunk(a0 + pa, a0 + x, b0 + pb, b0 + y));
            (pa, pb) = (x + length, y + length);
        }
        Add(hunks, new Hunk(a0 + pa, a1, b0 + pb, b1));
    }

    /// <summary>How far <see cref="Resynchronize"/> looks ahead (in rows, on both sides together) for where the sides agree again.</summary>
    private const int ResyncWindow = 256;

    /// <summary>How many rows in a row must agree for a place to count as where the sides agree again.</summary>
    private const int ResyncRun = 4;

    /// <summary>
    /// For a long stretch without anchors whose shortest script is too long to look for (a file of
    /// rows repeated many times over): both sides are walked together; where they differ, the nearest
    /// place (fewest rows skipped on both sides together, up to <see cref="ResyncWindow"/>) where
    /// <see cref="ResyncRun"/> rows agree again ends a short stretch, which Myers' algorithm then diffs
    /// exactly. Not always the shortest script for the whole, but linear, and exact for scattered edits.
    /// </summary>
    private static void Resynchronize(ReadOnlySpan<long> a, int a0, int a1, ReadOnlySpan<long> b, int b0, int b1, List<Hunk> hunks)
    {
        var (i, j) = (a0, b0);
        while (i < a1 && j < b1)
        {
            if (a[i] == b[j])
            {
                i++;
                j++;
                continue;
            }
            var (skipA, skipB) = NearestAgreement(a, i, a1, b, j, b1);
            // A short stretch (at most the window on each side): Myers finds its shortest script at once.
            Myers(a, i, i + skipA, b, j, j + skipB, hunks);
            (i, j) = (i + skipA, j + skipB);
        }
        Add(hunks, new Hunk(i, a1, j, b1));
    }

    /// <summary>How many rows to skip on each side to where they agree again (both sides' whole window when nowhere near).</summary>
    private static (int A, int B) NearestAgreement(ReadOnlySpan<long> a, int i, int a1, ReadOnlySpan<long> b, int j, int b1)
    {
        for (var d = 1; d <= ResyncWindow; d++)
        {
            // Skips p on the old side and q on the new, p + q = d: equal ones first (changed rows), then the more lopsided.
            for (var spread = d % 2; spread <= d; spread += 2)
            {
                var (longer, shorter) = ((d + spread) / 2, (d - spread) / 2);
                if (AgreeAt(a, i + longer, a1, b, j + shorter, b1))
                {
                    return (longer, shorter);
                }
                if (spread > 0 && AgreeAt(a, i + shorter, a1, b, j + longer, b1))
                {
                    return (shorter, longer);
                }
            }
        }
        return (Math.Min(ResyncWindow, a1 - i), Math.Min(ResyncWindow, b1 - j));
    }

    /// <summary>Whether <see cref="ResyncRun"/> rows from <paramref name="i"/> and <paramref name="j"/> agree (or agree up to an end).</summary>
    private static bool AgreeAt(ReadOnlySpan<long> a, int i, int a1, ReadOnlySpan<long> b, int j, int b1)
    {
        if (i >= a1 || j >= b1)
        {
            return false;
        }
        var run = 0;
        while (run < ResyncRun && i + run < a1 && j + run < b1 && a[i + run] == b[j + run])
        {
            run++;
        }
        return run == ResyncRun || (run > 0 && (i + run == a1 || j + run == b1));
    }

    /// <summary>How often each hash occurs on each side of a stretch, and where (open addressing, no allocation per row).</summary>
    private sealed class OccurrenceTable
    {
        private readonly long[] _keys;
        private readonly bool[] _used;
        private readonly int[] _countA;
        private readonly int[] _countB;
        private readonly int[] _positionB;
        private readonly int _mask;

        public OccurrenceTable(int entries)
        {
            var capacity = OpenAddressing.Capacity(entries);
            _keys = new long[capacity];
            _used = new bool[capacity];
            _countA = new int[capacity];
            _countB = new int[capacity];
            _positionB = new int[capacity];
            _mask = capacity - 1;
        }

        public void Count(long key, int position, int side)
        {
            var slot = Slot(key);
            if (!_used[slot])
            {
                _used[slot] = true;
                _keys[slot] = key;
            }
            if (side == 0)
            {
                _countA[slot]++;
            }
            else
            {
                _countB[slot]++;
                _positionB[slot] = position;
            }
        }

        public bool OnceInBoth(long key, out int positionB)
        {
            var slot = Slot(key);
            positionB = _positionB[slot];
            return _used[slot] && _countA[slot] == 1 && _countB[slot] == 1;
        }

        private int Slot(long key)
        {
            var slot = OpenAddressing.Home(key, _mask);
            while (_used[slot] && _keys[slot] != key)
            {
                slot = (slot + 1) & _mask;
            }
            return slot;
        }
    }
}
