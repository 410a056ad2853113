namespace MLNetRecExtensions.Retrieval;

/// <summary>
/// A bounded min-heap keeping the best <see cref="Capacity"/> (score, item) pairs seen. "Better" means a higher
/// score, and on equal scores a lower item index; the worst kept pair sits at the root so a candidate is
/// compared with one entry.
/// </summary>
internal sealed class TopKHeap
{
    private readonly float[] _scores;
    private readonly int[] _items;
    private int _count;

    /// <summary>Creates an empty heap keeping at most <paramref name="capacity"/> pairs (≥ 1).</summary>
    public TopKHeap(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _scores = new float[capacity];
        _items = new int[capacity];
    }

    /// <summary>Most pairs kept.</summary>
    public int Capacity => _scores.Length;
    /// <summary>Pairs currently kept.</summary>
    public int Count => _count;
    /// <summary>True once <see cref="Capacity"/> pairs are kept; from then on a candidate must beat the root.</summary>
    public bool IsFull => _count == _scores.Length;
    /// <summary>Score of the worst kept pair (valid when <see cref="Count"/> &gt; 0).</summary>
    public float WorstScore => _scores[0];

    /// <summary>Empties the heap.</summary>
    public void Clear() => _count = 0;

    /// <summary>True when (score a, item a) ranks strictly before (score b, item b).</summary>
    public static bool Better(float scoreA, int itemA, float scoreB, int itemB) =>
        scoreA > scoreB || (scoreA == scoreB && itemA < itemB);

    /// <summary>Keeps (<paramref name="score"/>, <paramref name="item"/>) if it is among the best seen so far.</summary>
    public void Offer(float score, int item)
    {
        if (_count < _scores.Length)
        {
            int c = _count++;
            while (c > 0)
            {
                int parent = (c - 1) >> 1;
                if (!Better(_scores[parent], _items[parent], score, item)) break;
                _scores[c] = _scores[parent];
                _items[c] = _items[parent];
                c = parent;
            }
            _scores[c] = score;
            _items[c] = item;
        }
        else if (Better(score, item, _scores[0], _items[0]))
        {
            SiftDownFromRoot(score, item, _count);
        }
    }

    /// <summary>
    /// Writes the kept pairs best first into the first <see cref="Count"/> entries of the spans and empties the heap.
    /// Returns the number written.
    /// </summary>
    public int Drain(Span<int> items, Span<float> scores)
    {
        int n = _count;
        // Pop the worst repeatedly and fill from the back.
        for (int last = n - 1; last >= 0; last--)
        {
            items[last] = _items[0];
            scores[last] = _scores[0];
            if (last > 0) SiftDownFromRoot(_scores[last], _items[last], last);
        }
        _count = 0;
        return n;
    }

    // Places (score, item) at the root of the heap made of the first `size` entries and restores the order.
    private void SiftDownFromRoot(float score, int item, int size)
    {
        int c = 0;
        while (true)
        {
            int child = 2 * c + 1;
            if (child >= size) break;
            // The worse child (lower score, or on a tie the higher index) must go up.
            if (child + 1 < size && Better(_scores[child], _items[child], _scores[child + 1], _items[child + 1])) child++;
            if (!Better(score, item, _scores[child], _items[child])) break;
            _scores[c] = _scores[child];
            _items[c] = _items[child];
            c = child;
        }
        _scores[c] = score;
        _items[c] = item;
    }
}
