using System.Reflection;

namespace MLNetRecExtensions.TwoTower;

/// <summary>
/// Writes and reads the settable properties of <see cref="TwoTowerOptions"/> for a saved model, by name: each entry is
/// the property name, a type tag and the value (string, nullable string, bool, int, float, double, enum as Int32,
/// string[], nullable int[]). <see cref="TwoTowerOptions.Progress"/> is not saved. Reading skips names this version does
/// not know and keeps the defaults of names the file lacks, so options added later do not break older files.
/// </summary>
internal static class TwoTowerOptionsState
{
    private enum Tag : byte { Null = 0, String = 1, Bool = 2, Int = 3, Float = 4, Double = 5, Enum = 6, Strings = 7, Ints = 8 }

    private static PropertyInfo[] Saved() => typeof(TwoTowerOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite && p.CanRead && p.Name != nameof(TwoTowerOptions.Progress)).OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();

    public static void Write(BinaryWriter w, TwoTowerOptions options)
    {
        var properties = Saved();
        w.Write(properties.Length);
        foreach (var p in properties)
        {
            w.Write(p.Name);
            WriteValue(w, p.PropertyType, p.GetValue(options));
        }
    }

    public static TwoTowerOptions Read(BinaryReader r)
    {
        var options = new TwoTowerOptions();
        var byName = Saved().ToDictionary(p => p.Name, StringComparer.Ordinal);
        int count = r.ReadInt32();
        if (count < 0) throw new InvalidDataException($"The two-tower options hold {count} entries.");
        for (int k = 0; k < count; k++)
        {
            string name = r.ReadString();
            object? value = ReadValue(r, out var tag);
            if (!byName.TryGetValue(name, out var p)) continue;
            if (tag == Tag.Enum) value = Enum.ToObject(p.PropertyType, (int)value!);
            p.SetValue(options, value);
        }
        return options;
    }

    private static void WriteValue(BinaryWriter w, Type type, object? value)
    {
        switch (value)
        {
            case null: w.Write((byte)Tag.Null); break;
            case string s: w.Write((byte)Tag.String); w.Write(s); break;
            case bool b: w.Write((byte)Tag.Bool); w.Write(b); break;
            case Enum e: w.Write((byte)Tag.Enum); w.Write(Convert.ToInt32(e, System.Globalization.CultureInfo.InvariantCulture)); break;
            case int i: w.Write((byte)Tag.Int); w.Write(i); break;
            case float f: w.Write((byte)Tag.Float); w.Write(f); break;
            case double d: w.Write((byte)Tag.Double); w.Write(d); break;
            case string[] strings:
                w.Write((byte)Tag.Strings); w.Write(strings.Length);
                foreach (var s in strings) w.Write(s);
                break;
            case int[] ints:
                w.Write((byte)Tag.Ints); w.Write(ints.Length);
                foreach (int i in ints) w.Write(i);
                break;
            default: throw new NotSupportedException($"TwoTowerOptions property of type {type} cannot be saved; extend TwoTowerOptionsState.");
        }
    }

    private static object? ReadValue(BinaryReader r, out Tag tag)
    {
        tag = (Tag)r.ReadByte();
        switch (tag)
        {
            case Tag.Null: return null;
            case Tag.String: return r.ReadString();
            case Tag.Bool: return r.ReadBoolean();
            case Tag.Enum:
            case Tag.Int: return r.ReadInt32();
            case Tag.Float: return r.ReadSingle();
            case Tag.Double: return r.ReadDouble();
            case Tag.Strings:
                var strings = new string[Length(r)];
                for (int k = 0; k < strings.Length; k++) strings[k] = r.ReadString();
                return strings;
            case Tag.Ints:
                var ints = new int[Length(r)];
                for (int k = 0; k < ints.Length; k++) ints[k] = r.ReadInt32();
                return ints;
            default: throw new InvalidDataException($"Unknown two-tower option type tag {(byte)tag}.");
        }
    }

    private static int Length(BinaryReader r)
    {
        int n = r.ReadInt32();
        return n >= 0 ? n : throw new InvalidDataException($"A two-tower option list has length {n}.");
    }
}
