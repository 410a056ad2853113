using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetRecExtensions.TwoTower;

/// <summary>
/// Reads the columns named by <see cref="TwoTowerOptions"/> (already checked by <see cref="TwoTowerSchema"/>) into
/// <see cref="TwoTowerRows"/>. Key 0 in a history or token vector (an unknown value) is skipped; key 0 in the user
/// column means "no known user" when <c>allowMissingUser</c>; a NaN or infinite continuous value is an
/// <see cref="InvalidDataException"/> naming the column and the row.
/// </summary>
internal static class TwoTowerDataReader
{
    public static TwoTowerRows ReadTraining(IDataView data, TwoTowerOptions options, TwoTowerSchema schema)
    {
        var user = ReadUsers(data, options, schema, userRequired: true, out var items, includeItems: true, out var itemFeatures);
        if (user.Count == 0)
            throw new InvalidDataException($"The training data has no rows: columns '{options.UserColumnName}' and '{options.ItemColumnName}' are empty.");
        if (options.ExampleAgeColumnName is { } time)
        {
            var ages = Features.ExampleAge.FromTimestamps(data, time);
            int w = user.ContinuousWidth;
            for (int r = 0; r < ages.Length; r++) user.Continuous[r * w + w - 1] = ages[r];
        }
        return new TwoTowerRows { User = user, Items = items!, ItemFeatures = itemFeatures! };
    }

    /// <summary>Reads user-side inputs only; the user column is read when present (missing key → −1).</summary>
    public static UserFeatureRows ReadUserFeatures(IDataView data, TwoTowerOptions options, TwoTowerSchema schema) =>
        ReadUsers(data, options, schema, userRequired: false, out _, includeItems: false, out _);

    private static UserFeatureRows ReadUsers(IDataView data, TwoTowerOptions options, TwoTowerSchema schema, bool userRequired,
        out int[]? itemsOut, bool includeItems, out ItemFeatureRows? itemFeaturesOut)
    {
        var s = data.Schema;
        var userCol = s.GetColumnOrNull(options.UserColumnName);
        if (userCol is { } uc && (uc.Type is not KeyDataViewType k || k.RawType != typeof(uint) || k.Count != (ulong)schema.UserCount))
        {
            if (userRequired) throw new ArgumentOutOfRangeException("user", $"The user column '{options.UserColumnName}' should be a UInt32 key of {schema.UserCount} values, but is {uc.Type}.");
            throw new ArgumentOutOfRangeException("user",
                $"The user column '{options.UserColumnName}' is {uc.Type} but the model was trained on a UInt32 key of {schema.UserCount} values; " +
                "use the same key mapping, or drop the column to embed rows from their features only.");
        }
        var itemCol = includeItems ? s[options.ItemColumnName] : (DataViewSchema.Column?)null;
        var historyCol = options.HistoryColumnName is { } h ? s[h] : (DataViewSchema.Column?)null;
        var tokenCol = options.TokenColumnName is { } t ? s[t] : (DataViewSchema.Column?)null;
        var catCols = options.CategoricalColumnNames.Select(c => s[c]).ToArray();
        var contCols = options.ContinuousColumnNames.Select(c => s[c]).ToArray();
        var itemCatCols = includeItems ? options.ItemCategoricalColumnNames.Select(c => s[c]).ToArray() : [];
        var itemContCols = includeItems ? options.ItemContinuousColumnNames.Select(c => s[c]).ToArray() : [];

        var active = new List<DataViewSchema.Column>();
        void Use(DataViewSchema.Column? c) { if (c is { } col) active.Add(col); }
        Use(userCol); Use(itemCol); Use(historyCol); Use(tokenCol);
        foreach (var c in catCols.Concat(contCols).Concat(itemCatCols).Concat(itemContCols)) active.Add(c);

        var users = new List<int>();
        var items = new List<int>();
        var histories = historyCol == null ? null : new List<int[]>();
        var tokens = tokenCol == null ? null : new List<int[]>();
        var cats = catCols.Select(_ => new List<int>()).ToArray();
        var itemCats = itemCatCols.Select(_ => new List<int>()).ToArray();
        var cont = new List<float>();
        var itemCont = new List<float>();
        // The example-age slot (last) stays 0 here: serving rows are at age 0; ReadTraining fills it for training rows.
        int contWidth = schema.UserContinuousWidth, itemContWidth = includeItems ? schema.ItemContinuousWidth : 0;
        var contRow = new float[contWidth];
        var itemContRow = new float[itemContWidth];

        using var cursor = data.GetRowCursor(active.Distinct());
        var getUser = userCol is { } ucol ? cursor.GetGetter<uint>(ucol) : null;
        var getItem = itemCol is { } icol ? cursor.GetGetter<uint>(icol) : null;
        var getHistory = historyCol is { } hcol ? KeyBag(cursor, hcol) : null;
        var getTokens = tokenCol is { } tcol ? KeyBag(cursor, tcol) : null;
        var getCats = catCols.Select(c => cursor.GetGetter<uint>(c)).ToArray();
        var getItemCats = itemCatCols.Select(c => cursor.GetGetter<uint>(c)).ToArray();
        var getCont = contCols.Select(c => NumericFiller(cursor, c)).ToArray();
        var getItemCont = itemContCols.Select(c => NumericFiller(cursor, c)).ToArray();
        uint key = 0;
        long row = 0;
        while (cursor.MoveNext())
        {
            int u = -1;
            if (getUser != null)
            {
                getUser(ref key);
                if (key == 0 && userRequired)
                    throw new InvalidDataException($"Row {row}: column '{options.UserColumnName}' holds a missing key (0); map unknown users before training or filter them out.");
                u = (int)key - 1;
            }
            users.Add(u);
            if (getItem != null)
            {
                getItem(ref key);
                if (key == 0) throw new InvalidDataException($"Row {row}: column '{options.ItemColumnName}' holds a missing key (0); map unknown items before training or filter them out.");
                items.Add((int)key - 1);
            }
            histories?.Add(getHistory!());
            tokens?.Add(getTokens!());
            for (int f = 0; f < getCats.Length; f++) { getCats[f](ref key); cats[f].Add((int)key - 1); }
            for (int f = 0; f < getItemCats.Length; f++) { getItemCats[f](ref key); itemCats[f].Add((int)key - 1); }
            FillContinuous(getCont, contCols, contRow, row);
            cont.AddRange(contRow);
            FillContinuous(getItemCont, itemContCols, itemContRow, row);
            itemCont.AddRange(itemContRow);
            row++;
        }
        itemsOut = includeItems ? items.ToArray() : null;
        itemFeaturesOut = includeItems
            ? new ItemFeatureRows { Categoricals = itemCats.Select(l => l.ToArray()).ToArray(), Continuous = itemCont.ToArray(), ContinuousWidth = itemContWidth }
            : null;
        return new UserFeatureRows
        {
            Count = users.Count,
            Users = users.ToArray(),
            History = histories == null ? null : Bags.From(histories),
            Tokens = tokens == null ? null : Bags.From(tokens),
            Categoricals = cats.Select(l => l.ToArray()).ToArray(),
            Continuous = cont.ToArray(),
            ContinuousWidth = contWidth,
        };
    }

    private static void FillContinuous(Func<Span<float>, int>[] fillers, DataViewSchema.Column[] columns, float[] row, long rowIndex)
    {
        int offset = 0;
        for (int f = 0; f < fillers.Length; f++)
        {
            int width = fillers[f](row.AsSpan(offset));
            for (int j = offset; j < offset + width; j++)
                if (!float.IsFinite(row[j]))
                    throw new InvalidDataException(
                        $"Row {rowIndex}: the continuous column '{columns[f].Name}' holds {row[j]}{(width > 1 ? $" in slot {j - offset}" : "")}; " +
                        "continuous features must be finite. Replace missing values first (e.g. mlContext.Transforms.ReplaceMissingValues).");
            offset += width;
        }
    }

    /// <summary>A getter of the non-zero keys of a key vector as 0-based indices.</summary>
    private static Func<int[]> KeyBag(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var getter = cursor.GetGetter<VBuffer<uint>>(column);
        var buffer = default(VBuffer<uint>);
        var list = new List<int>();
        return () =>
        {
            getter(ref buffer);
            list.Clear();
            foreach (uint k in buffer.GetValues()) if (k != 0) list.Add((int)k - 1);
            return list.ToArray();
        };
    }

    /// <summary>A function writing the column's value(s) as floats into a span and returning how many it wrote.</summary>
    private static Func<Span<float>, int> NumericFiller(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type is VectorDataViewType v)
        {
            int size = v.Size;
            if (v.ItemType == NumberDataViewType.Single)
            {
                var g = cursor.GetGetter<VBuffer<float>>(column);
                var buffer = default(VBuffer<float>);
                return span => { g(ref buffer); int j = 0; foreach (var x in buffer.DenseValues()) span[j++] = x; return size; };
            }
            var gd = cursor.GetGetter<VBuffer<double>>(column);
            var bufferD = default(VBuffer<double>);
            return span => { gd(ref bufferD); int j = 0; foreach (var x in bufferD.DenseValues()) span[j++] = (float)x; return size; };
        }
        var scalar = Data.SchemaChecks.NumericGetter(cursor, column);
        return span => { span[0] = (float)scalar(); return 1; };
    }
}
