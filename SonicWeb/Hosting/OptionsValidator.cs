using Microsoft.Extensions.Options;

namespace SonicWeb.Hosting;

/// <summary>
/// A settings class's checks: each problem a sentence naming the setting's key, its value and what it must
/// be. The app refuses to start while any is left (every options class is validated on start).
/// </summary>
public abstract class OptionsValidator<T> : IValidateOptions<T> where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var problems = Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public abstract IEnumerable<string> Problems(T options);
}

public static class OptionsRegistration
{
    /// <summary>Binds <typeparamref name="T"/> to configuration section <paramref name="section"/>, checked by <typeparamref name="TValidator"/> when the app starts.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T, TValidator>(this IServiceCollection services, string section)
        where T : class where TValidator : class, IValidateOptions<T>
    {
        services.AddSingleton<IValidateOptions<T>, TValidator>();
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }
}
