using System.Globalization;
using Microsoft.ML;

namespace MLNetRecExtensions.Data;

/// <summary>One row of the UCI Adult (census income) data, the data set of the Wide &amp; Deep tutorial.</summary>
public sealed class UciAdultRow
{
    /// <summary>Age in years.</summary>
    public float Age { get; set; }
    /// <summary>Employer type; empty when missing ('?').</summary>
    public string Workclass { get; set; } = "";
    /// <summary>Census sampling weight.</summary>
    public float Fnlwgt { get; set; }
    /// <summary>Highest education.</summary>
    public string Education { get; set; } = "";
    /// <summary>Education as a number.</summary>
    public float EducationNum { get; set; }
    /// <summary>Marital status.</summary>
    public string MaritalStatus { get; set; } = "";
    /// <summary>Occupation; empty when missing.</summary>
    public string Occupation { get; set; } = "";
    /// <summary>Relationship in the household.</summary>
    public string Relationship { get; set; } = "";
    /// <summary>Race.</summary>
    public string Race { get; set; } = "";
    /// <summary>Sex.</summary>
    public string Sex { get; set; } = "";
    /// <summary>Capital gain.</summary>
    public float CapitalGain { get; set; }
    /// <summary>Capital loss.</summary>
    public float CapitalLoss { get; set; }
    /// <summary>Hours worked per week.</summary>
    public float HoursPerWeek { get; set; }
    /// <summary>Native country; empty when missing.</summary>
    public string NativeCountry { get; set; } = "";
    /// <summary>
    /// Age bucket as in the TensorFlow tutorial, boundaries 18, 25, 30, 35, 40, 45, 50, 55, 60, 65: "&lt;18",
    /// "18-24", …, "65+".
    /// </summary>
    public string AgeBucket { get; set; } = "";
    /// <summary>Whether income is &gt;50K.</summary>
    public bool Label { get; set; }
}

/// <summary>
/// Reads UCI Adult files (<c>adult.data</c>, <c>adult.test</c>): comma-separated with leading spaces, no header,
/// 15 fields; <c>adult.test</c> starts with a "|1x3 Cross validator" line (skipped) and its labels end with a period.
/// '?' becomes empty text (a missing category).
/// </summary>
public static class UciAdult
{
    private static readonly int[] AgeBoundaries = [18, 25, 30, 35, 40, 45, 50, 55, 60, 65];

    /// <summary>The text columns of <see cref="UciAdultRow"/> (categorical features), including <see cref="UciAdultRow.AgeBucket"/>.</summary>
    public static readonly string[] CategoricalColumns =
        ["Workclass", "Education", "MaritalStatus", "Occupation", "Relationship", "Race", "Sex", "NativeCountry", "AgeBucket"];

    /// <summary>The continuous columns used as features (the TensorFlow tutorial's; Fnlwgt is a sampling weight, not a feature).</summary>
    public static readonly string[] ContinuousColumns = ["Age", "EducationNum", "CapitalGain", "CapitalLoss", "HoursPerWeek"];

    /// <summary>Parses the rows of <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A line has other than 15 fields or an unparsable number or label (line named).</exception>
    public static IReadOnlyList<UciAdultRow> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"UCI Adult file not found: {path}.", path);
        var rows = new List<UciAdultRow>();
        int lineNumber = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('|')) continue;
            var f = line.Split(',');
            if (f.Length != 15)
                throw new InvalidDataException($"{path} line {lineNumber}: expected 15 comma-separated fields, found {f.Length}.");
            for (int i = 0; i < f.Length; i++) f[i] = f[i].Trim();
            float Num(int i) => float.TryParse(f[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                ? v : throw new InvalidDataException($"{path} line {lineNumber}: field {i + 1} '{f[i]}' is not a number.");
            string Cat(int i) => f[i] == "?" ? "" : f[i];
            var label = f[14].TrimEnd('.');
            if (label is not ("<=50K" or ">50K"))
                throw new InvalidDataException($"{path} line {lineNumber}: label '{f[14]}' is neither '<=50K' nor '>50K'.");
            float age = Num(0);
            rows.Add(new UciAdultRow
            {
                Age = age, Workclass = Cat(1), Fnlwgt = Num(2), Education = Cat(3), EducationNum = Num(4), MaritalStatus = Cat(5),
                Occupation = Cat(6), Relationship = Cat(7), Race = Cat(8), Sex = Cat(9), CapitalGain = Num(10), CapitalLoss = Num(11),
                HoursPerWeek = Num(12), NativeCountry = Cat(13), AgeBucket = Bucket(age), Label = label == ">50K",
            });
        }
        return rows;
    }

    /// <summary>Loads <paramref name="path"/> as an <see cref="IDataView"/> with the columns of <see cref="UciAdultRow"/>.</summary>
    public static IDataView Load(MLContext mlContext, string path)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return mlContext.Data.LoadFromEnumerable(Read(path));
    }

    private static string Bucket(float age)
    {
        int b = 0;
        while (b < AgeBoundaries.Length && age >= AgeBoundaries[b]) b++;
        return b == 0 ? "<18" : b == AgeBoundaries.Length ? "65+" : $"{AgeBoundaries[b - 1]}-{AgeBoundaries[b] - 1}";
    }
}
