Console.WriteLine("benchmark: not yet");
