namespace MLNetRecExtensions.Sessions;

/// <summary>
/// Session-parallel mini-batches (Hidasi et al. 2016): up to B sessions run side by side in slots; every
/// <see cref="Next"/> emits, per active slot, the slot's current event as input and the following event as target.
/// When a slot's session has no further target, the next session (in <see cref="SessionData"/> order) takes the slot;
/// when none is left the slot is removed and the batch shrinks (its later slots move down).
/// </summary>
/// <remarks>
/// <see cref="Source"/> tells the caller how to carry the recurrent state into the step just emitted: row b's state
/// comes from the previous step's row <c>Source[b]</c>, or starts from zero when <c>Source[b] = −1</c> (a new session).
/// Sources only move rows down (<c>Source[b] ≥ b</c>), so the state can be rearranged in place in ascending order.
/// Every event that has a successor in its session is emitted as an input exactly once per pass.
/// </remarks>
public sealed class SessionBatcher
{
    private readonly SessionData _data;
    private readonly int[] _position;
    private readonly int[] _end;
    private readonly bool[] _finished;
    private int _nextSession;
    private int _active;
    private bool _started;

    /// <summary>Starts a pass over <paramref name="data"/> with <paramref name="batchSize"/> slots.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is below 1.</exception>
    public SessionBatcher(SessionData data, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _data = data;
        _position = new int[batchSize];
        _end = new int[batchSize];
        _finished = new bool[batchSize];
        Inputs = new int[batchSize];
        Targets = new int[batchSize];
        Source = new int[batchSize];
        _active = Math.Min(batchSize, data.SessionCount);
        for (int b = 0; b < _active; b++) Assign(b, _nextSession++);
    }

    /// <summary>Number of rows of the step just emitted.</summary>
    public int Count { get; private set; }
    /// <summary>Input item of each row (first <see cref="Count"/> entries valid).</summary>
    public int[] Inputs { get; }
    /// <summary>Target (next) item of each row.</summary>
    public int[] Targets { get; }
    /// <summary>Where each row's recurrent state comes from: a previous row index, or −1 (new session, zero state).</summary>
    public int[] Source { get; }

    /// <summary>Emits the next step; false when every session is consumed.</summary>
    public bool Next()
    {
        int write = 0;
        for (int b = 0; b < _active; b++)
        {
            if (_finished[b])
            {
                if (_nextSession < _data.SessionCount) { Assign(b, _nextSession++); Source[write] = -1; }
                else continue;
            }
            else Source[write] = _started ? b : -1;
            if (write != b) { _position[write] = _position[b]; _end[write] = _end[b]; }
            _finished[write] = false;
            write++;
        }
        _active = write;
        _started = true;
        Count = write;
        if (write == 0) return false;
        var items = _data.Items;
        for (int b = 0; b < write; b++)
        {
            int p = _position[b];
            Inputs[b] = items[p];
            Targets[b] = items[p + 1];
            _position[b] = p + 1;
            _finished[b] = p + 2 >= _end[b];
        }
        return true;
    }

    private void Assign(int slot, int session)
    {
        _position[slot] = _data.Offsets[session];
        _end[slot] = _data.Offsets[session + 1];
        _finished[slot] = false;
    }
}
