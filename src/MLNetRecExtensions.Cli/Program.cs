Console.Error.WriteLine("mlnet-rec: commands are being added (compare).");
return 2;
