export function ComingSoon({ title, description }: { title: string; description: string }) {
  return (
    <section className="page">
      <h1>{title}</h1>
      <div className="empty-state">
        <p className="empty-title">即将推出</p>
        <p>{description}</p>
      </div>
    </section>
  );
}
