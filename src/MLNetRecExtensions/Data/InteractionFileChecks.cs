using System.Buffers;
using System.Globalization;
using System.Text;

namespace MLNetRecExtensions.Data;

/// <summary>
/// The whole-file checks of <see cref="DelimitedInteractionReader"/> that need every row first: the rating scale,
/// repeated (user, item) pairs, and locating an invalid UTF-8 byte. They run after parsing; only when one fails is
/// the file read again to name the line.
/// </summary>
internal static class InteractionFileChecks
{
    private const double ScaleFactor = 1e4;

    /// <summary>Throws when a rating lies far outside the data's own spread (see <see cref="InteractionLoadOptions.RatingRange"/>).</summary>
    public static void CheckRatingScale(string path, bool hasHeader, float[] labels)
    {
        if (labels.Length < 2) return;
        int n = Math.Min(labels.Length, 10_001);
        var sample = new float[n];
        for (int k = 0; k < n; k++) sample[k] = labels[(int)((long)k * labels.Length / n)];
        Array.Sort(sample);
        // Floor for the top index and ceil for the bottom one leave a single extreme out of small samples.
        int hiIndex = (int)Math.Floor(0.99 * (n - 1));
        int loIndex = Math.Min((int)Math.Ceiling(0.01 * (n - 1)), hiIndex);
        double lo = sample[loIndex], hi = sample[hiIndex];
        double spread = Math.Max(Math.Max(hi - lo, Math.Max(Math.Abs(lo), Math.Abs(hi))), 1);
        double min = lo - ScaleFactor * spread, max = hi + ScaleFactor * spread;
        for (int r = 0; r < labels.Length; r++)
        {
            if (labels[r] >= min && labels[r] <= max) continue;
            int line = LinesOfRows(path, hasHeader, [r])[0];
            throw new InvalidDataException(FormattableString.Invariant(
                $"Interactions file '{path}' line {line}: the rating {labels[r]:R} is implausible for this data, whose ratings mostly lie in [{lo:R}, {hi:R}]. ") +
                "Fix the line, or declare the rating scale with InteractionLoadOptions.RatingRange (CLI: --rating-range MIN:MAX); RatingRange.Unbounded accepts any finite rating.");
        }
    }

    /// <summary>
    /// Applies <paramref name="policy"/> to repeated (user, item) pairs and returns the arrays to keep (the input ones
    /// when nothing repeats or the policy keeps everything). Merged rows take the place of the pair's first row.
    /// </summary>
    public static (int[] Users, int[] Items, float[] Labels, double[]? Times) ApplyDuplicates(string path, bool hasHeader,
        int[] users, int[] items, float[] labels, double[]? times, int userCount, string[] userIds, string[] itemIds,
        DuplicatePolicy policy, Action<string>? warnings)
    {
        if (policy == DuplicatePolicy.KeepAll) return (users, items, labels, times);
        var first = FirstOccurrences(users, items, userCount, out int duplicates);
        if (duplicates == 0) return (users, items, labels, times);
        if (policy == DuplicatePolicy.Error)
        {
            int r = Array.FindIndex(first, f => f >= 0);
            var lines = LinesOfRows(path, hasHeader, [first[r], r]);
            throw new InvalidDataException(
                $"Interactions file '{path}' line {lines[1]}: user '{userIds[users[r]]}' and item '{itemIds[items[r]]}' repeat line {lines[0]} " +
                $"({duplicates:N0} repeated rows in all). A repeated pair can land in both train and test and inflate the metrics. " +
                "Remove the repeats, or set InteractionLoadOptions.Duplicates to Mean or Last (explicit ratings), Sum (implicit counts) " +
                "or KeepAll (CLI: --duplicates mean|last|sum|keep).");
        }

        int kept = users.Length - duplicates;
        var sums = (float[])labels.Clone();
        var counts = new int[users.Length];
        var lastRow = new int[users.Length];
        for (int r = 0; r < users.Length; r++) { counts[r] = 1; lastRow[r] = r; }
        var latest = times == null ? null : (double[])times.Clone();
        for (int r = 0; r < users.Length; r++)
        {
            int f = first[r];
            if (f < 0) continue;
            sums[f] += labels[r];
            counts[f]++;
            lastRow[f] = r;
            if (latest != null) latest[f] = Math.Max(latest[f], times![r]);
        }
        var u = new int[kept];
        var i = new int[kept];
        var l = new float[kept];
        var t = times == null ? null : new double[kept];
        int k = 0;
        for (int r = 0; r < users.Length; r++)
        {
            if (first[r] >= 0) continue;
            u[k] = users[r];
            i[k] = items[r];
            l[k] = policy switch
            {
                DuplicatePolicy.Sum => sums[r],
                DuplicatePolicy.Mean => sums[r] / counts[r],
                _ => labels[lastRow[r]],
            };
            if (t != null) t[k] = policy == DuplicatePolicy.Last ? times![lastRow[r]] : latest![r];
            k++;
        }
        warnings?.Invoke($"Interactions file '{path}': merged {duplicates:N0} repeated rows into {kept:N0} (user, item) pairs ({policy}).");
        return (u, i, l, t);
    }

    /// <summary>
    /// For each row, the earliest row with the same (user, item) pair, or -1 when the row is that earliest one.
    /// Rows are grouped by user with a counting sort, then sorted by (item, row) within each user.
    /// </summary>
    public static int[] FirstOccurrences(int[] users, int[] items, int userCount, out int duplicates)
    {
        int n = users.Length;
        var start = new int[userCount + 1];
        foreach (var u in users) start[u + 1]++;
        for (int u = 0; u < userCount; u++) start[u + 1] += start[u];
        var next = (int[])start.Clone();
        var keys = new long[n];
        for (int r = 0; r < n; r++) keys[next[users[r]]++] = ((long)items[r] << 32) | (uint)r;
        var first = new int[n];
        duplicates = 0;
        for (int u = 0; u < userCount; u++)
        {
            int s = start[u], len = start[u + 1] - s;
            Array.Sort(keys, s, len);
            int runFirst = -1;
            for (int p = s; p < s + len; p++)
            {
                int row = (int)(uint)keys[p];
                if (p == s || (keys[p] >> 32) != (keys[p - 1] >> 32))
                {
                    // Keys sort by (item, row), so a run's first key holds the pair's earliest row.
                    runFirst = row;
                    first[row] = -1;
                    continue;
                }
                first[row] = runFirst;
                duplicates++;
            }
        }
        return first;
    }

    /// <summary>The 1-based line numbers of the given 0-based data rows (blank lines and the header are not rows).</summary>
    public static int[] LinesOfRows(string path, bool hasHeader, int[] rows)
    {
        var result = new int[rows.Length];
        int wanted = rows.Max();
        int line = 0, row = -1;
        bool headerSeen = !hasHeader;
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        string? text;
        while ((text = reader.ReadLine()) != null)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            if (!headerSeen) { headerSeen = true; continue; }
            row++;
            for (int k = 0; k < rows.Length; k++) if (rows[k] == row) result[k] = line;
            if (row >= wanted) break;
        }
        return result;
    }

    /// <summary>Finds the first byte of <paramref name="path"/> that is not valid UTF-8 and names its line and column.</summary>
    public static InvalidDataException InvalidUtf8(string path, Exception inner)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[1 << 16];
        int filled = 0, line = 1, column = 1;
        long offset = 0;
        bool eof = false, start = true;
        while (true)
        {
            int read = eof ? 0 : stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0) eof = true;
            filled += read;
            int pos = 0;
            if (start)
            {
                start = false;
                if (filled >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF) pos = 3;
            }
            while (pos < filled)
            {
                var status = Rune.DecodeFromUtf8(buffer.AsSpan(pos, filled - pos), out var rune, out int consumed);
                if (status == OperationStatus.NeedMoreData && !eof) break;
                if (status != OperationStatus.Done)
                    return new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                        $"Interactions file '{path}' line {line}, column {column}: byte 0x{buffer[pos]:X2} (file offset {offset + pos}) is not valid UTF-8. ")
                        + "The file must be UTF-8 text; it looks like Latin-1 or Windows-1252 — re-save it as UTF-8 (e.g. iconv -f latin1 -t utf-8).", inner);
                if (rune.Value == '\n') { line++; column = 1; }
                else column++;
                pos += consumed;
            }
            if (eof && pos >= filled) break;
            Buffer.BlockCopy(buffer, pos, buffer, 0, filled - pos);
            offset += pos;
            filled -= pos;
            if (eof && filled > 0 && pos == 0) break;
        }
        return new InvalidDataException($"Interactions file '{path}' is not valid UTF-8 text ({inner.Message}); re-save it as UTF-8.", inner);
    }
}
