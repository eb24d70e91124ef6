/**
 * The dashboard's entry: defines the app shell, which loads each page's chunk when its route is
 * first visited. Built by Vite into web/dist (npm run build:web) and served by src/http.
 */
import './components/app-shell.js';
