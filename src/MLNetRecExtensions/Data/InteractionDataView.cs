using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetRecExtensions.Data;

/// <summary>
/// The <see cref="IDataView"/> of <see cref="InteractionData.ToDataView"/>: a read-only view over the arrays of one
/// <see cref="InteractionData"/> (not copied; the data is immutable), with the schema <c>LoadFromEnumerable</c> gave
/// it before: <c>UserId</c> and <c>ItemId</c> as <c>Key&lt;UInt32&gt;</c> of the user and item counts (key
/// <c>index + 1</c>, with <c>KeyValues</c> annotations when the data carries original ids), <c>Label</c>
/// <c>Single</c> and, when the data has timestamps, <c>Timestamp</c> <c>Double</c>.
/// </summary>
/// <remarks>
/// Rows come in stored order; the view does not shuffle (<see cref="CanShuffle"/> is false, as for the enumerable
/// view it replaces) and gives one cursor for a cursor set. A getter reads one array element, so reading a view costs
/// a few nanoseconds per row instead of the enumerable view's property accessors and position checks. Cursors are
/// independent and may be used from different threads.
/// </remarks>
internal sealed class InteractionDataView : IDataView
{
    private readonly InteractionData _data;

    public InteractionDataView(InteractionData data)
    {
        _data = data;
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(InteractionColumns.User, new KeyDataViewType(typeof(uint), data.UserCount), KeyValues(data.UserIds));
        builder.AddColumn(InteractionColumns.Item, new KeyDataViewType(typeof(uint), data.ItemCount), KeyValues(data.ItemIds));
        builder.AddColumn(InteractionColumns.Label, NumberDataViewType.Single);
        if (data.Timestamps != null) builder.AddColumn(InteractionColumns.Timestamp, NumberDataViewType.Double);
        Schema = builder.ToSchema();
    }

    public DataViewSchema Schema { get; }

    /// <summary>The interactions this view reads.</summary>
    public InteractionData Data => _data;

    public bool CanShuffle => false;

    public long? GetRowCount() => _data.Count;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [new Cursor(this, columnsNeeded)];

    private static DataViewSchema.Annotations? KeyValues(string[]? ids) => ids == null ? null : TextAnnotations.Create(ids, isSlotNames: false);

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly InteractionDataView _view;
        private readonly bool[] _active;
        private readonly int _count;
        private int _row = -1;

        public Cursor(InteractionDataView view, IEnumerable<DataViewSchema.Column> columnsNeeded)
        {
            _view = view;
            _count = view._data.Count;
            _active = new bool[view.Schema.Count];
            foreach (var c in columnsNeeded ?? []) _active[c.Index] = true;
        }

        public override DataViewSchema Schema => _view.Schema;
        public override long Position => _row;
        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        public override bool MoveNext()
        {
            if (_row >= _count) return false;
            return ++_row < _count;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) =>
        {
            Check();
            value = new DataViewRowId((ulong)_row, 0);
        };

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index >= _active.Length || Schema[column.Index].Name != column.Name)
                throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' is not in this view's schema.");
            if (!_active[column.Index])
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was made; pass it in columnsNeeded.");
            var data = _view._data;
            Delegate getter = Schema[column.Index].Name switch
            {
                InteractionColumns.User => Keys(data.Users),
                InteractionColumns.Item => Keys(data.Items),
                InteractionColumns.Label => (ValueGetter<float>)((ref float v) => { Check(); v = data.Labels[_row]; }),
                _ => (ValueGetter<double>)((ref double v) => { Check(); v = data.Timestamps![_row]; }),
            };
            return getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
                $"Column '{column.Name}' holds {Schema[column.Index].Type.RawType.Name}, not {typeof(TValue).Name}; ask for a getter of that type.");
        }

        private ValueGetter<uint> Keys(int[] indices) => (ref uint v) =>
        {
            Check();
            v = (uint)indices[_row] + 1;
        };

        private void Check()
        {
            if ((uint)_row >= (uint)_count) throw new InvalidOperationException("The cursor is not on a row: call MoveNext first, and only while it returns true.");
        }
    }
}
