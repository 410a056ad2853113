using System.Runtime.InteropServices;
using Microsoft.ML;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.Persistence;

namespace MLNetRecExtensions.Tests.Factorization;

[TestClass]
public sealed class MatrixFactorizationStateV1Tests
{
    /// <summary>Writes a model's typed state in the version-1 layout (before the training settings were recorded).</summary>
    private sealed class StateV1(MatrixFactorizationModel model) : ITypedModelState
    {
        public string ModelKind => MatrixFactorizationModel.TypedStateKind;
        public int StateVersion => 1;

        public void WriteState(BinaryWriter w)
        {
            w.Write((int)model.Kind);
            w.Write(model.UserColumnName);
            w.Write(model.ItemColumnName);
            w.Write(model.UserCount);
            w.Write(model.ItemCount);
            w.Write(model.Rank);
            w.Write(MemoryMarshal.AsBytes<float>(model.UserFactors.Values));
            w.Write(MemoryMarshal.AsBytes<float>(model.ItemFactors.Values));
            w.Write(model.GlobalMean);
            foreach (var values in new[] { model.UserBiases, model.ExplicitItemBiases, model.ItemPopularity })
            {
                w.Write(values != null);
                if (values != null) w.Write(MemoryMarshal.AsBytes<float>(values));
            }
        }
    }

    [TestMethod]
    public void VersionOneFilesStillLoadButCannotFoldIn()
    {
        var ml = new MLContext(1);
        var data = FoldInTests.Groups(21);
        var model = FoldInTests.FitImplicit(ml, data, iterations: 3);
        var path = Path.Combine(Path.GetTempPath(), $"mlnetrec-mf-v1-{Guid.NewGuid():N}.zip");
        try
        {
            RecModelFile.Save(ml, model, data.ToDataView(ml).Schema, path, new StateV1(model));
            var loaded = MatrixFactorizationModel.Load(ml, path);
            Assert.IsNull(loaded.Settings);
            CollectionAssert.AreEqual(model.UserFactors.Values, loaded.UserFactors.Values);
            Assert.AreEqual(model.Score(3, 4), loaded.Score(3, 4));
            var error = Assert.ThrowsExactly<InvalidOperationException>(() => loaded.FoldInUser([1, 2]));
            StringAssert.Contains(error.Message, "version 1");
            Assert.ThrowsExactly<InvalidOperationException>(() => MatrixFactorizationUpdate.Update(ml, loaded, data, data));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
