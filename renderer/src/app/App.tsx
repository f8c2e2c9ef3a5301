// Until the engine has answered once there is nothing to show but the connection's state;
// afterwards the workbench stays up through disconnects (with a banner), keeping unsaved text.
import { useState } from 'react';
import { ConnectionScreen } from './Banners';
import { useConnection } from './studio-context';
import { Workbench } from './Workbench';

export function App() {
  const connection = useConnection();
  const [everConnected, setEverConnected] = useState(false);
  if (connection.phase === 'open' && !everConnected) setEverConnected(true);
  return everConnected || connection.phase === 'open' ? <Workbench /> : <ConnectionScreen />;
}
