// The smallest App Router layout (no favicon: the page asks for none).
export const metadata = { title: "syncrun in Next.js", icons: { icon: "data:," } };

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
