import Link from "next/link";

export default function ResourceNotFound() {
  return (
    <div className="rounded-lg border border-line bg-white p-8 text-center" data-testid="not-found">
      <h1 className="text-lg font-semibold">Resource not found</h1>
      <p className="mt-2 text-muted">It does not exist in your account.</p>
      <Link href="/resources" className="mt-4 inline-block text-blue-700 hover:underline">Back to Resources</Link>
    </div>
  );
}
