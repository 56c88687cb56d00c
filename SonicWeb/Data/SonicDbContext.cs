using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using SonicWeb.Accounts;
using SonicWeb.Presets;

namespace SonicWeb.Data;

public sealed class SonicDbContext(DbContextOptions<SonicDbContext> options)
    : IdentityDbContext<SonicUser>(options), IDataProtectionKeyContext // users, roles and (with PostgreSQL) the cookie keys live beside the jobs
{
    public DbSet<Job> Jobs => Set<Job>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Notifications.NotificationDelivery> NotificationDeliveries => Set<Notifications.NotificationDelivery>();
    public DbSet<Preset> Presets => Set<Preset>();
    public DbSet<Batch> Batches => Set<Batch>();
    public DbSet<WorkflowTemplate> WorkflowTemplates => Set<WorkflowTemplate>();
    public DbSet<WorkerNode> Workers => Set<WorkerNode>();
    /// <summary>The data-protection key ring shared by all web nodes (used when Database:Provider is Postgres).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        base.OnModelCreating(b);
        var job = b.Entity<Job>();
        job.HasKey(j => j.Id);
        job.Property(j => j.Status).HasConversion<string>().HasMaxLength(24);
        job.HasIndex(j => new { j.Status, j.QueuedAt });
        job.HasIndex(j => j.CreatedAt);
        job.HasIndex(j => j.InputHash);
        job.HasIndex(j => j.OwnerId);
        job.Property(j => j.ReviewDecision).HasConversion<string>().HasMaxLength(24);
        b.ApplyConfiguration(new Notifications.NotificationDeliveryConfiguration());
        job.HasIndex(j => j.BatchId);

        var preset = b.Entity<Preset>();
        preset.HasIndex(p => p.NormalizedName).IsUnique();
        preset.Property(p => p.Name).HasMaxLength(PresetRules.MaxNameLength);

        b.Entity<WorkflowTemplate>().HasKey(t => t.Id);

        var batch = b.Entity<Batch>();
        batch.HasKey(x => x.Id);
        batch.HasIndex(x => x.OwnerId);

        var worker = b.Entity<WorkerNode>();
        worker.HasKey(w => w.Name);
        worker.Property(w => w.Name).HasMaxLength(WorkerNode.MaxNameLength);
    }

    /// <summary>
    /// SQLite keeps no time zone: every DateTime we store is UTC, so read it back as UTC. (PostgreSQL's
    /// timestamptz takes only UTC DateTimes: the same conversion makes sure of it on the way in.)
    /// </summary>
    protected override void ConfigureConventions(ModelConfigurationBuilder c)
    {
        c.Properties<DateTime>().HaveConversion<UtcConverter>();
        c.Properties<DateTime?>().HaveConversion<UtcConverter>();
    }

    private sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
