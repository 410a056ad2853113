using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetRecExtensions.Sampling;

/// <summary>
/// The streaming output of <see cref="NegativeSamplingTransformer.Transform"/>: for each input row, the row itself
/// (the positive) and then <c>n</c> negatives that differ from it only in the item, the label and the weight.
/// A cursor wraps one input cursor and draws the negatives of a row when it reaches the row, from a
/// <see cref="Random"/> seeded afresh per cursor, so every cursor replays identical rows.
/// </summary>
internal sealed class NegativeSampledDataView : IDataView
{
    private readonly IDataView _input;
    private readonly int[] _sources;
    private readonly NegativeSamplingSchema _columns;
    private readonly INegativeSampler _sampler;
    private readonly int _negatives;
    private readonly float _negativeWeight;
    private readonly int _seed;

    public NegativeSampledDataView(IDataView input, DataViewSchema schema, int[] sources, NegativeSamplingSchema columns,
        INegativeSampler sampler, int negatives, float negativeWeight, int seed)
    {
        _input = input;
        Schema = schema;
        _sources = sources;
        _columns = columns;
        _sampler = sampler;
        _negatives = negatives;
        _negativeWeight = negativeWeight;
        _seed = seed;
    }

    public DataViewSchema Schema { get; }

    public bool CanShuffle => false;

    public long? GetRowCount() => _input.GetRowCount() is { } n ? n * (1 + _negatives) : null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = new bool[Schema.Count];
        foreach (var c in columnsNeeded) active[c.Index] = true;
        // The user and item are always read: the draws must not depend on which columns are asked for.
        var inputColumns = new HashSet<int> { _input.Schema[_columns.User].Index, _input.Schema[_columns.Item].Index };
        for (int c = 0; c < active.Length; c++)
            if (active[c] && _sources[c] >= 0) inputColumns.Add(_sources[c]);
        var cursor = _input.GetRowCursor(inputColumns.Select(i => _input.Schema[i]));
        return new Cursor(this, cursor, active);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly NegativeSampledDataView _parent;
        private readonly DataViewRowCursor _input;
        private readonly bool[] _active;
        private readonly ValueGetter<uint> _getUser;
        private readonly ValueGetter<uint> _getItem;
        private readonly ValueGetter<DataViewRowId> _getInputId;
        private readonly Random _rng;
        private readonly int[] _negativeItems;
        private readonly int _itemColumn;
        private readonly int _weightColumn;
        private readonly int _labelColumn;
        private uint _user;
        private uint _item;
        private int _phase; // 0 = the positive, k ≥ 1 = negative k
        private long _position = -1;
        private long _inputRow = -1;

        public Cursor(NegativeSampledDataView parent, DataViewRowCursor input, bool[] active)
        {
            _parent = parent;
            _input = input;
            _active = active;
            _getUser = input.GetGetter<uint>(parent._input.Schema[parent._columns.User]);
            _getItem = input.GetGetter<uint>(parent._input.Schema[parent._columns.Item]);
            _getInputId = input.GetIdGetter();
            _rng = new Random(parent._seed);
            _negativeItems = new int[parent._negatives];
            _phase = parent._negatives;
            _itemColumn = parent.Schema[parent._columns.Item].Index;
            _weightColumn = parent._columns.Weight is { } w ? parent.Schema[w].Index : -1;
            _labelColumn = parent.Schema.Count - 1;
        }

        public override DataViewSchema Schema => _parent.Schema;
        public override long Position => _position;
        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        public override bool MoveNext()
        {
            if (_phase < _parent._negatives)
            {
                _phase++;
                _position++;
                return true;
            }
            if (!_input.MoveNext()) return false;
            _inputRow++;
            _getUser(ref _user);
            _getItem(ref _item);
            if (_user == 0)
                throw new InvalidDataException($"Input row {_inputRow}: the user column '{_parent._columns.User}' holds a missing key (0); filter out or map unknown users before sampling.");
            if (_item == 0)
                throw new InvalidDataException($"Input row {_inputRow}: the item column '{_parent._columns.Item}' holds a missing key (0); filter out or map unknown items before sampling.");
            _parent._sampler.Sample((int)_user - 1, (int)_item - 1, _negativeItems, _rng);
            _phase = 0;
            _position++;
            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) =>
        {
            DataViewRowId inputId = default;
            _getInputId(ref inputId);
            id = inputId.Combine(new DataViewRowId((ulong)_phase, 0));
        };

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!_active[column.Index])
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
            Delegate getter;
            if (column.Index == _labelColumn)
                getter = _parent._columns.BooleanLabel
                    ? (ValueGetter<bool>)((ref bool v) => v = _phase == 0)
                    : (ValueGetter<float>)((ref float v) => v = _phase == 0 ? 1f : 0f);
            else if (column.Index == _itemColumn)
                getter = (ValueGetter<uint>)((ref uint v) => v = _phase == 0 ? _item : (uint)_negativeItems[_phase - 1] + 1);
            else if (column.Index == _weightColumn)
            {
                var inputWeight = _input.GetGetter<float>(_input.Schema[_parent._sources[column.Index]]);
                float negativeWeight = _parent._negativeWeight;
                getter = (ValueGetter<float>)((ref float v) => { if (_phase == 0) inputWeight(ref v); else v = negativeWeight; });
            }
            else
                return _input.GetGetter<TValue>(_input.Schema[_parent._sources[column.Index]]);
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' is of type {column.Type}, not {typeof(TValue).Name}.");
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _input.Dispose();
            base.Dispose(disposing);
        }
    }
}
