namespace MLNetRecExtensions.Persistence;

/// <summary>
/// A fitted model that can write its typed state (factors, embeddings, ...) into the extra zip entry of a
/// <see cref="RecModelFile"/>, so that the library can load it back as the typed model rather than as ML.NET's
/// opaque transformer chain.
/// </summary>
public interface ITypedModelState
{
    /// <summary>Stable identifier of the model type, e.g. <c>MLNetRec.MatrixFactorization</c>; checked on load.</summary>
    string ModelKind { get; }

    /// <summary>Version of the payload layout written by <see cref="WriteState"/>; a reader refuses versions it does not know.</summary>
    int StateVersion { get; }

    /// <summary>Writes the payload (everything after the header).</summary>
    void WriteState(BinaryWriter writer);
}
