using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetRecExtensions.Data;

/// <summary>
/// A view of the rows of <c>input</c> whose 0-based position (in the input's cursor order) is set in a mask;
/// every column of the input is kept. Not shuffleable; <see cref="GetRowCount"/> is the mask's true count.
/// </summary>
internal sealed class MaskedDataView : IDataView
{
    private readonly IDataView _input;
    private readonly bool[] _mask;
    private readonly long _count;

    /// <param name="input">The view to filter.</param>
    /// <param name="mask">One flag per input row: true keeps the row.</param>
    public MaskedDataView(IDataView input, bool[] mask)
    {
        _input = input ?? throw new ArgumentNullException(nameof(input));
        _mask = mask ?? throw new ArgumentNullException(nameof(mask));
        foreach (var keep in mask) if (keep) _count++;
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema => _input.Schema;

    public long? GetRowCount() => _count;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, _input.GetRowCursor(columnsNeeded));

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly MaskedDataView _parent;
        private readonly DataViewRowCursor _input;
        private long _inputPosition = -1;
        private long _position = -1;

        public Cursor(MaskedDataView parent, DataViewRowCursor input)
        {
            _parent = parent;
            _input = input;
        }

        public override DataViewSchema Schema => _input.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool MoveNext()
        {
            var mask = _parent._mask;
            while (_input.MoveNext())
            {
                _inputPosition++;
                if (_inputPosition >= mask.Length)
                    throw new InvalidOperationException(
                        $"The input view yielded more rows than the split mask covers ({mask.Length}); the view must give the same rows every time it is read.");
                if (mask[_inputPosition])
                {
                    _position++;
                    return true;
                }
            }
            return false;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => _input.IsColumnActive(column);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _input.GetGetter<TValue>(column);

        protected override void Dispose(bool disposing)
        {
            if (disposing) _input.Dispose();
            base.Dispose(disposing);
        }
    }
}
