using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetRecExtensions.Data;

/// <summary>Column annotations holding names: <c>KeyValues</c> of a key column or <c>SlotNames</c> of a vector column.</summary>
internal static class TextAnnotations
{
    /// <summary>
    /// One annotation, <c>SlotNames</c> when <paramref name="isSlotNames"/> else <c>KeyValues</c>, of type
    /// <c>Vector&lt;Text, names.Count&gt;</c>; its getter copies the names into the caller's buffer (which the caller may
    /// reuse and write into).
    /// </summary>
    public static DataViewSchema.Annotations Create(IReadOnlyList<string> names, bool isSlotNames)
    {
        var values = names.Select(n => n.AsMemory()).ToArray();
        ValueGetter<VBuffer<ReadOnlyMemory<char>>> getter = (ref VBuffer<ReadOnlyMemory<char>> dst) =>
        {
            var editor = VBufferEditor.Create(ref dst, values.Length);
            values.CopyTo(editor.Values);
            dst = editor.Commit();
        };
        var annotations = new DataViewSchema.Annotations.Builder();
        annotations.Add(isSlotNames ? "SlotNames" : "KeyValues", new VectorDataViewType(TextDataViewType.Instance, values.Length), getter);
        return annotations.ToAnnotations();
    }
}
