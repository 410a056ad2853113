using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Ranking;

/// <summary>
/// A read-only <see cref="IDataView"/> over a <see cref="PairFeatureTable"/>'s arrays (no copy), in the table's row
/// order. Rows are independent, so the view can be read by several cursors at once.
/// </summary>
internal sealed class PairFeatureDataView : IDataView
{
    private readonly PairFeatureTable _table;

    public PairFeatureDataView(PairFeatureTable table)
    {
        _table = table;
        var builder = new DataViewSchema.Builder();
        var userType = new KeyDataViewType(typeof(uint), table.UserCount);
        builder.AddColumn(PairFeatureColumns.User, userType);
        builder.AddColumn(PairFeatureColumns.Item, new KeyDataViewType(typeof(uint), table.ItemCount));
        builder.AddColumn(PairFeatureColumns.GroupId, userType);
        builder.AddColumn(PairFeatureColumns.Label, NumberDataViewType.Single);
        builder.AddColumn(PairFeatureColumns.LabelBool, BooleanDataViewType.Instance);
        builder.AddColumn(PairFeatureColumns.CandidateRank, NumberDataViewType.Single);
        builder.AddColumn(PairFeatureColumns.Features, new VectorDataViewType(NumberDataViewType.Single, table.Dimension),
            TextAnnotations.Create(table.FeatureNames, isSlotNames: true));
        foreach (var column in table.KeyColumns)
        {
            var key = new KeyDataViewType(typeof(uint), column.Cardinality);
            builder.AddColumn(column.Name, column.IsVector ? new VectorDataViewType(key, 0) : key,
                TextAnnotations.Create(column.ValueNames, isSlotNames: false));
        }
        Schema = builder.ToSchema();
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _table.RowCount;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = new bool[Schema.Count];
        foreach (var column in columnsNeeded) active[column.Index] = true;
        return new Cursor(this, active);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private const int FixedColumns = 7;
        private readonly PairFeatureDataView _parent;
        private readonly bool[] _active;
        private readonly Delegate[] _getters;
        private long _position = -1;

        public Cursor(PairFeatureDataView parent, bool[] active)
        {
            _parent = parent;
            _active = active;
            var t = parent._table;
            _getters = new Delegate[parent.Schema.Count];
            _getters[0] = (ValueGetter<uint>)((ref uint v) => v = (uint)t.Users[Row] + 1);
            _getters[1] = (ValueGetter<uint>)((ref uint v) => v = (uint)t.Items[Row] + 1);
            _getters[2] = (ValueGetter<uint>)((ref uint v) => v = (uint)t.Users[Row] + 1);
            _getters[3] = (ValueGetter<float>)((ref float v) => v = t.Labels[Row]);
            _getters[4] = (ValueGetter<bool>)((ref bool v) => v = t.Labels[Row] > 0);
            _getters[5] = (ValueGetter<float>)((ref float v) => v = t.Ranks[Row]);
            _getters[6] = (ValueGetter<VBuffer<float>>)((ref VBuffer<float> v) => CopyTo(t.FeaturesOf(Row), ref v, t.Dimension));
            for (int c = 0; c < t.KeyColumns.Count; c++)
            {
                int column = c;
                _getters[FixedColumns + c] = t.KeyColumns[c].IsVector
                    ? (ValueGetter<VBuffer<uint>>)((ref VBuffer<uint> v) =>
                    {
                        var keys = t.KeysOf(column, Row);
                        CopyTo(keys, ref v, keys.Length);
                    })
                    : (ValueGetter<uint>)((ref uint v) => v = t.KeysOf(column, Row)[0]);
            }
        }

        private int Row => _position >= 0 ? (int)_position
            : throw new InvalidOperationException("The cursor is not on a row: call MoveNext first.");

        public override DataViewSchema Schema => _parent.Schema;
        public override long Position => _position;
        public override long Batch => 0;

        public override bool MoveNext()
        {
            if (_position + 1 >= _parent._table.RowCount)
            {
                _position = _parent._table.RowCount;
                return false;
            }
            _position++;
            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId id) => id = new DataViewRowId((ulong)Row, 0);

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!_active[column.Index])
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
            return _getters[column.Index] as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' has type {column.Type}; it cannot be read as {typeof(TValue).Name}.");
        }

        private static void CopyTo<T>(ReadOnlySpan<T> values, ref VBuffer<T> dst, int length)
        {
            var editor = VBufferEditor.Create(ref dst, length);
            values.CopyTo(editor.Values);
            dst = editor.Commit();
        }
    }
}
