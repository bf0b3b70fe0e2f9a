/**
 * The page's whole stylesheet, served inline under the CSP nonce: the hosted page loads nothing
 * else, so it works offline and no third party learns who signs on. System fonts only.
 */
export const SIGNON_CSS = `
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;padding:32px 16px;
  background:#eef1f5;color:#1f2933;
  font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Liberation Sans",Arial,sans-serif}
main{width:100%;max-width:420px}
.card{background:#fff;border-radius:12px;padding:32px 28px;
  box-shadow:0 1px 3px rgba(15,23,42,.08),0 12px 32px rgba(15,23,42,.10)}
h1{margin:0 0 8px;font-size:1.5rem;line-height:1.25;font-weight:700;overflow-wrap:anywhere}
.lead{margin:0 0 20px;color:#52606d;overflow-wrap:anywhere}
form{margin:0}
.field{margin:0 0 16px}
label{display:block;margin:0 0 6px;font-weight:600}
input[type=text],input[type=password],input[type=email]{display:block;width:100%;padding:10px 12px;
  font:inherit;color:inherit;background:#fff;border:1px solid #9aa5b1;border-radius:8px}
input[readonly]{background:#f5f7fa;color:#3e4c59}
input:focus{outline:3px solid rgba(37,99,235,.35);outline-offset:1px;border-color:#2563eb}
input[aria-invalid=true]{border-color:#c81e1e;border-width:2px}
.field-error{margin:6px 0 0;color:#b91c1c;font-size:.875rem;font-weight:600}
.primary{display:block;width:100%;margin:8px 0 0;padding:11px 16px;font:inherit;font-weight:600;color:#fff;
  background:#1d4ed8;border:0;border-radius:8px;cursor:pointer}
.primary:hover{background:#1e40af}
.primary:focus{outline:3px solid rgba(37,99,235,.45);outline-offset:2px}
.secondary{margin:12px 0 0;padding:9px 14px;font:inherit;color:#1d4ed8;background:#fff;border:1px solid #1d4ed8;
  border-radius:8px;cursor:pointer;width:100%}
.link-button{padding:0;font:inherit;color:#1d4ed8;background:none;border:0;text-decoration:underline;cursor:pointer}
a{color:#1d4ed8}
a:focus,.link-button:focus{outline:3px solid rgba(37,99,235,.45);outline-offset:2px}
.alert{margin:0 0 20px;padding:12px 14px;color:#7f1d1d;background:#fdecec;border:1px solid #f5b5b5;
  border-left:4px solid #c81e1e;border-radius:8px}
.alert-title{margin:0;font-weight:600}
.alert ul{margin:6px 0 0;padding-left:20px}
.rules{margin:0 0 16px;padding:12px 14px;font-size:.875rem;color:#3e4c59;background:#f5f7fa;border-radius:8px}
.rules p{margin:0 0 4px;font-weight:600}
.rules ul{margin:0;padding-left:20px}
.links{display:flex;flex-wrap:wrap;justify-content:space-between;gap:8px 16px;margin:20px 0 0;padding:0;
  list-style:none;font-size:.9375rem}
.links form{display:inline}
@media (max-width:480px){
  body{align-items:flex-start;padding:0;background:#fff}
  .card{border-radius:0;box-shadow:none;padding:28px 20px}
}
`;
